"""The only code that creates or changes accounts, API keys and the account's sandbox
controls (scenarios, clock), or resets test data."""

import secrets
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import Account, ApiKey, Scenario, hash_secret
from core import clock, context
from core.errors import NotFound, UnprocessableRequest
from core.sandbox import DUE_WORK, TEST_DATA_RESETS
from core.transactions import service_transaction


@service_transaction
def account_create(*, name: str, public_id: str | None = None) -> Account:
    fields = {"name": name}
    if public_id:
        fields["public_id"] = public_id
    return Account.objects.create(**fields)


@service_transaction
def api_key_create(
    *,
    account: Account,
    name: str,
    scopes: list[str],
    secret: str | None = None,
    client_id: str | None = None,
    is_active: bool = True,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is the only copy there will ever be."""
    secret = secret or f"sk_test_{secrets.token_urlsafe(24)}"
    key = ApiKey.objects.create(
        account=account,
        name=name,
        client_id=client_id or f"client_{secrets.token_hex(8)}",
        secret_hash=hash_secret(secret),
        secret_prefix=secret[:12],
        scopes=list(scopes),
        is_active=is_active,
        expires_at=expires_at,
    )
    return key, secret


@service_transaction
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    key.is_active = False
    key.save(update_fields=["is_active"])
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Record use, at most once a minute per key, so reads stay free of writes."""
    now = timezone.now()
    if key.last_used_at and now - key.last_used_at < settings.API_KEY_LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


@service_transaction
def test_data_reset(*, account: Account) -> None:
    """Delete the account's test data: what each app registered in `TEST_DATA_RESETS`
    (payments with their refunds, webhook endpoints and events, finished idempotency keys),
    and its scenarios and clock."""
    for _name, reset in TEST_DATA_RESETS:
        reset(account=account)
    Scenario.objects.filter(account=account).delete()
    Account.objects.filter(pk=account.pk).update(has_scenarios=False, clock_offset_seconds=0)
    account.has_scenarios, account.clock_offset_seconds = False, 0


def _locked(account: Account) -> Account:
    """The account's row, locked until the caller's transaction ends (orders a scenario's
    creation against the clearing of `has_scenarios`, and clock moves against each other)."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    account.has_scenarios = locked.has_scenarios
    account.clock_offset_seconds = locked.clock_offset_seconds
    return locked


@service_transaction
def scenario_create(*, account: Account, operation: str, outcome: str, times: int = 1,
                    surface: str = "any", decline_code: str = "", delay_ms: int | None = None,
                    match: dict | None = None) -> Scenario:
    """Shape the account's next `times` matching operations (validated by the caller against
    `accounts.scenarios.OUTCOMES`); at most `SCENARIOS_PER_ACCOUNT` active at once."""
    _locked(account)  # parallel creations count in turn
    limit = settings.SCENARIOS_PER_ACCOUNT
    if Scenario.objects.filter(account=account, remaining__gt=0).count() >= limit:
        raise UnprocessableRequest(
            f"An account can have at most {limit} active scenarios; delete one first.",
            code="too_many_scenarios")
    scenario = Scenario.objects.create(
        account=account, operation=operation, outcome=outcome, times=times, remaining=times,
        surface=surface, decline_code=decline_code, delay_ms=delay_ms, match=match or {},
        created_at=clock.now(account),
    )
    if not account.has_scenarios:
        Account.objects.filter(pk=account.pk).update(has_scenarios=True)
        account.has_scenarios = True
    return scenario


@service_transaction
def scenario_delete(*, account: Account, scenario_id: str) -> None:
    _locked(account)
    deleted, _ = Scenario.objects.filter(account=account, public_id=scenario_id).delete()
    if not deleted:
        raise NotFound("scenario", scenario_id, param="scenario_id")
    active = Scenario.objects.filter(account=account, remaining__gt=0).exists()
    Account.objects.filter(pk=account.pk).update(has_scenarios=active)
    account.has_scenarios = active


@service_transaction
def clock_advance(*, account: Account, seconds: int) -> tuple[dict[str, int], dict[str, int]]:
    """Move the account's clock forward, then run the account's work that became due (what
    the apps registered in `DUE_WORK`: settlements, releases, checkouts' expiry, webhook
    attempts, the expiry of idempotency keys), at most `CLOCK_ADVANCE_MAX_ITEMS` items of
    it: what was done and what is left, each by kind."""
    locked = _locked(account)
    locked.clock_offset_seconds += seconds
    locked.save(update_fields=["clock_offset_seconds"])
    account.clock_offset_seconds = locked.clock_offset_seconds
    now = clock.now(account)
    processed = {"payments_settled": 0, "authorizations_released": 0,
                 "checkout_sessions_expired": 0, "webhook_attempts": 0,
                 "endpoints_disabled": 0, "idempotency_keys_expired": 0}
    remaining = {"payments_settled": 0, "authorizations_released": 0,
                 "checkout_sessions_expired": 0, "webhook_attempts": 0}
    budget = settings.CLOCK_ADVANCE_MAX_ITEMS
    with context.automatic():  # the clock's doing, not the caller's: as the workers do it
        for _name, run in DUE_WORK:
            work = run(account=account, now=now, limit=budget)
            processed.update(work.done)
            remaining.update(work.left)
            budget = max(0, budget - sum(work.done.values()))
    return processed, remaining
