"""Idempotency keys: one mechanism for every POST of every API surface.

A request with a key first *claims* it in its own short transaction, so a concurrent
request with the same key sees the claim at once and gets 409 `idempotency_key_in_use`
instead of running twice. The request then runs in one transaction together with the
storing of its response: a crash rolls back both, which is why a claim older than
`IDEMPOTENCY_LOCK_TIMEOUT` may safely be taken over. Storing checks that the claim is still
ours, so even a takeover can never let two executions commit.

Processed results (2xx, 402 declines, 409 state conflicts) are stored and replayed byte for
byte; anything else (validation errors, crashes) releases the key so it can be retried. An
error rolls the request's transaction back whole (`core.transactions.all_or_nothing`: the
services inside need no savepoints), and a 409 is stored after it.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import wraps

import simplejson
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from api import numbers
from api.models import IdempotencyKey, IdempotencyStatus
from core import clock, context, json, sql, transactions
from core.errors import ServiceError, SimulatedFailure


class IdempotencyError(ServiceError):
    type = "idempotency_error"


class IdempotencyKeyInvalid(IdempotencyError):
    status = 400
    code = "idempotency_key_invalid"


class IdempotencyKeyRequired(IdempotencyError):
    status = 400
    code = "idempotency_key_required"


class IdempotencyKeyReused(IdempotencyError):
    status = 409
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(IdempotencyError):
    status = 409
    code = "idempotency_key_in_use"


@dataclass(frozen=True)
class KeyRule:
    """What a surface accepts as an idempotency key, and how it words a refusal."""

    pattern: re.Pattern
    missing: str
    malformed: str


KEY_RULE = KeyRule(
    re.compile(r"^[A-Za-z0-9_-]{6,64}$"),
    missing="The Idempotency-Key header is required.",
    malformed="Idempotency-Key must be 6-64 characters of letters, digits, '_' or '-'.",
)
KEY_HEADERS = ("Idempotency-Key", "X-Idempotency-Key")
REUSED_MESSAGE = "Conflict: Idempotency key already used with different request data"
REPLAYED_HEADER = "Idempotent-Replayed"
IN_USE_MESSAGE = ("A request with this idempotency key is still being processed. Retry after "
                  "it has finished.")


def is_stored(status: int) -> bool:
    return 200 <= status < 300 or status in (402, 409)


def read_key(request, *, required: bool, rule: KeyRule = KEY_RULE) -> str | None:
    key = next((request.headers[h] for h in KEY_HEADERS if h in request.headers), None)
    if key is None:
        if required:
            raise IdempotencyKeyRequired(rule.missing, param="Idempotency-Key")
        return None
    if not rule.pattern.match(key):
        raise IdempotencyKeyInvalid(rule.malformed, param="Idempotency-Key")
    return key


def _canonical(value):
    """Key order, whitespace and trailing zeros must not make two requests differ. Numbers
    are bounded (`api.numbers`) before they get here; one out of range counts as its text."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite():
        return {"$decimal": format(value.normalize(), "f")}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, numbers.OutOfRange):
        return {"$number": value.literal}
    return value


def fingerprint(method: str, path: str, data) -> str:
    body = simplejson.dumps(_canonical(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    record: IdempotencyKey
    token: str


def claim(*, account, key: str, fingerprint: str, method: str, path: str):
    """Claim `key` for this request: a Claim to run it, or the completed record to replay.

    The claim and the look for an existing record are one statement (`core.sql`): a new key
    costs one round trip, a replay of a completed one too. Anything else (a record in
    progress, expired, or gone meanwhile) is settled under the record's row lock."""
    for _attempt in range(3):
        now, account_now = timezone.now(), clock.now(account)
        token = uuid.uuid4().hex
        fields = dict(
            fingerprint=fingerprint, method=method, path=path,
            status=IdempotencyStatus.IN_PROGRESS, lock_token=token, locked_at=now,
            response_status=None, response_body=None, response_content_type="",
            replay_after=None, expires_at=account_now + settings.IDEMPOTENCY_KEY_TTL,
        )
        new = IdempotencyKey(account_id=account.pk, key=key, created_at=now, **fields)
        found = sql.insert_unless_exists(new, unique=("account_id", "key"))
        if found is new:
            return Claim(new, token)
        # Keys expire by the account's clock; claims are locked by the wall clock.
        if (found is not None and found.status == IdempotencyStatus.COMPLETED
                and found.expires_at > account_now):
            return _replayable(found, fingerprint)  # never changes again: no lock needed
        if found is None:
            continue  # claimed meanwhile: look again
        with transaction.atomic():
            record = (
                IdempotencyKey.objects.select_for_update()
                .filter(account=account, key=key)
                .first()
            )
            if record is None:
                continue  # released meanwhile: try to claim it afresh
            if record.expires_at <= account_now:
                return _take_over(record, fields, token, created_at=now)
            if record.status == IdempotencyStatus.COMPLETED:
                return _replayable(record, fingerprint)
            if record.fingerprint != fingerprint:
                raise IdempotencyKeyReused(REUSED_MESSAGE)
            if record.locked_at > now - settings.IDEMPOTENCY_LOCK_TIMEOUT:
                raise IdempotencyKeyInUse(IN_USE_MESSAGE)
            return _take_over(record, fields, token)
    raise IdempotencyKeyInUse("This idempotency key is contended; retry shortly.")


def _replayable(record: IdempotencyKey, fingerprint: str) -> IdempotencyKey:
    """A completed record to replay; its answer may still be held back (a `delay` test
    scenario: the work committed, the first answer has not gone out yet)."""
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(REUSED_MESSAGE)
    if record.replay_after is not None and record.replay_after > timezone.now():
        raise IdempotencyKeyInUse(IN_USE_MESSAGE)
    return record


def _take_over(record: IdempotencyKey, fields: dict, token: str, **extra) -> Claim:
    for name, value in {**fields, **extra}.items():
        setattr(record, name, value)
    record.save()
    return Claim(record, token)


def complete(held: Claim, response: HttpResponse, *, secret_fields: tuple[str, ...] = (),
             delay_ms: int = 0) -> bool:
    """Store the response, inside the request's transaction; False if the claim was lost.

    `secret_fields` of the (JSON object) body are stored as null: a secret is shown once,
    never kept for replays. A response held back `delay_ms` is not replayed before it went
    out."""
    return bool(sql.update(IdempotencyKey, {
        "status": IdempotencyStatus.COMPLETED,
        "lock_token": "",
        "replay_after": timezone.now() + timedelta(milliseconds=delay_ms) if delay_ms else None,
        "response_status": response.status_code,
        "response_body": _without(response.content, secret_fields),
        "response_content_type": response.get("Content-Type", "application/json"),
    }, where={"id": held.record.pk, "lock_token": held.token}))


def _without(body: bytes, secret_fields: tuple[str, ...]) -> bytes:
    if not secret_fields:
        return body
    data = json.loads(body)
    return json.dumps({name: None if name in secret_fields else value
                       for name, value in data.items()})


def release(held: Claim) -> None:
    IdempotencyKey.objects.filter(pk=held.record.pk, lock_token=held.token).delete()


def replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.response_status,
        content_type=record.response_content_type,
    )
    response[REPLAYED_HEADER] = "true"
    return response


def purge_expired() -> int:
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def keys_expire(*, account, now) -> int:
    """Forget the account's finished keys that expired by `now` (its sandbox clock's)."""
    deleted, _ = IdempotencyKey.objects.filter(account=account, expires_at__lte=now).exclude(
        status=IdempotencyStatus.IN_PROGRESS).delete()
    return deleted


def keys_reset(*, account) -> None:
    """Forget the account's finished keys (test reset). Keys of requests still in flight,
    the reset's own among them, are kept so that those requests can record their outcome."""
    IdempotencyKey.objects.filter(account=account).exclude(
        status=IdempotencyStatus.IN_PROGRESS
    ).delete()


class _Discard(Exception):
    """Unwinds the request's transaction for a response that must not be stored."""

    def __init__(self, response):
        self.response = response


def idempotent(*, required: bool = False, rule: KeyRule = KEY_RULE,
               secret_fields: tuple[str, ...] = (), body=None):
    """Decorate a view handler (`create`, `post`) so that retries with the same key are safe:
    claim the key (or replay its stored answer), run the handler, store its answer. The
    response's `secret_fields` are replayed as null (see `complete`). `body`, the operation's
    request serializer, validates the request before the write transaction opens (no
    database lock is held while input is judged)."""

    def decorate(handler):
        @wraps(handler)
        def wrapper(view, request, *args, **kwargs):
            key = read_key(request, required=required, rule=rule)
            request_context = context.current()
            if request_context is not None:
                request_context.idempotency_key = key
            if key is None:
                return handler(view, request, *args, **kwargs)
            # The operation's path, wherever it was asked (`api.ports`: /v1/... on Stripe's
            # own port is /stripe/v1/...).
            path = request.path_info
            held = claim(account=request.user.account, key=key,
                         fingerprint=fingerprint(request.method, path, request.data),
                         method=request.method, path=path)
            if isinstance(held, IdempotencyKey):
                return replay(held)
            try:
                if body is not None:
                    view.validated(body)  # kept for the handler's own call
                return _run_and_store(held, secret_fields,
                                      lambda: handler(view, request, *args, **kwargs),
                                      lambda response: _rendered(view, request, response,
                                                                 *args, **kwargs),
                                      view.handle_exception)
            except _Discard as discarded:
                release(held)
                return discarded.response
            except IdempotencyKeyInUse:
                raise  # the claim was taken over: the key is not ours to free
            except BaseException:
                release(held)  # invalid, crashed or a simulated outage: the same retry runs anew
                raise

        return wrapper

    return decorate


def _run_and_store(held: Claim, secret_fields: tuple[str, ...], run, render, answer_error):
    """Run the handler and store its answer in one transaction (`all_or_nothing`: the
    services inside need no savepoints). An error rolls that transaction back whole; the
    error's answer, when it is a processed result (a 409), is then stored on its own. An
    outage a test scenario asked for (raised before anything was written) commits its
    count-down and is raised for the caller to free the key."""
    outage = None
    try:
        with transactions.all_or_nothing():
            try:
                response = render(run())
            except SimulatedFailure as failure:
                outage = failure
            else:
                return _store(held, response, response.status_code, secret_fields)
    except (_Discard, IdempotencyKeyInUse):
        raise
    except Exception as exc:  # noqa: BLE001 - an API error is an answer too
        response = render(answer_error(exc))
        return _store(held, response, context.current().described_status, secret_fields)
    raise outage


def _store(held: Claim, response, status: int, secret_fields: tuple[str, ...]):
    """Keep a processed result for replays (inside the request's transaction, or after an
    error has rolled it back); anything else unwinds that transaction (`_Discard`). `status`
    is what was judged, before a surface reworded it (Stripe shows a stored 409 as 400)."""
    if not is_stored(status):
        raise _Discard(response)
    request_context = context.current()
    if not complete(held, response, secret_fields=secret_fields,
                    delay_ms=request_context.delay_ms if request_context else 0):
        raise IdempotencyKeyInUse("This idempotency key was taken over by another request.")
    return response


def _rendered(view, request, response, *args, **kwargs):
    """The handler's response (or its error's), finalized and rendered to be stored."""
    response = view.finalize_response(request, response, *args, **kwargs)
    return response.render() if hasattr(response, "render") else response
