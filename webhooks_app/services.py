"""Webhook operations: the only code that creates events, endpoints and delivery records.

Times are the account's (`core.clock`): an attempt is scheduled, and an endpoint counted as
failing, by the account's sandbox clock; the task that makes an attempt runs when the wall
clock gets there (or at once, when the account's clock is advanced past it).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import scenarios
from accounts.models import Account
from core import clock, json, metrics, sql
from core.errors import InvalidState, UnprocessableRequest
from core.formats import Format
from core.metadata import merged_metadata
from core.metrics import count_after_commit
from core.periodic import frequent
from core.sandbox import DueWork, due_batch
from core.tasks import enqueue_on_commit, live_task_values, on_queue
from core.transactions import service_transaction
from webhooks_app import pacing, sender, tasks
from webhooks_app.events import RENDERINGS
from webhooks_app.models import Delivery, DeliveryStatus, Event, WebhookEndpoint, new_signing_secret
from webhooks_app.selectors import endpoint_missing, event_missing
from webhooks_app.urlsafety import Destination, UnsafeURL, parse, vet


@service_transaction
def endpoint_create(
    *, account: Account, url: str, events: list[str], description: str = "",
    format: str = Format.V1, metadata: dict[str, str] | None = None,
    api_version: str = "",
) -> WebhookEndpoint:
    """Register an endpoint; its `format` decides which events it receives and how they are
    rendered and signed (`events` may be `["*"]`: every type of its format)."""
    destination = _vet(url)
    Account.objects.select_for_update().get(pk=account.pk)  # parallel creations count in turn
    limit = settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT
    endpoints = list(WebhookEndpoint.objects.filter(account=account))
    if len(endpoints) >= limit:
        raise UnprocessableRequest(
            f"An account can have at most {limit} webhook endpoints; delete one first.",
            code="too_many_endpoints",
        )
    _check_url_free(destination, endpoints)
    _note_endpoints(account, present=True)
    return WebhookEndpoint.objects.create(
        account=account, url=url, events=list(dict.fromkeys(events)), description=description,
        format=format, metadata=merged_metadata({}, metadata or {}),
        api_version=api_version, created_at=clock.now(account),
    )


def _endpoint_lock(account: Account, endpoint_id: str,
                   format: str = Format.V1) -> WebhookEndpoint:
    """The endpoint, locked; only one of `format` exists for the caller (each format sees
    its own)."""
    endpoint = (WebhookEndpoint.objects.select_for_update()
                .filter(account=account, public_id=endpoint_id, format=format).first())
    if endpoint is None:
        raise endpoint_missing(endpoint_id)
    endpoint.account = account
    return endpoint


@service_transaction
def endpoint_update(*, account: Account, endpoint_id: str, url: str | None = None,
                    events: list[str] | None = None, description: str | None = None,
                    enabled: bool | None = None, format: str = Format.V1,
                    metadata: dict[str, str] | str | None = None) -> WebhookEndpoint:
    """Change what is given, on an endpoint of `format`. A new URL follows the rules of
    registration; `enabled=True` brings back a disabled endpoint with a clean failure record;
    `metadata` is merged (`core.metadata.merged_metadata`)."""
    endpoint = _endpoint_lock(account, endpoint_id, format)
    if url is not None:
        destination = _vet(url)
        Account.objects.select_for_update().get(pk=account.pk)  # as a creation does
        _check_url_free(destination, WebhookEndpoint.objects.filter(account=account).exclude(
            pk=endpoint.pk))
        endpoint.url = url
    if events is not None:
        endpoint.events = list(dict.fromkeys(events))
    if description is not None:
        endpoint.description = description
    if metadata is not None:
        endpoint.metadata = merged_metadata(endpoint.metadata, metadata)
    if enabled is True:
        endpoint_enable(endpoint=endpoint)
    elif enabled is False:
        _disable(endpoint, "Disabled through the API.")
    endpoint.save()
    return endpoint


def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Enable an endpoint again (the caller saves it, in its transaction): its failures are
    forgotten, so it has its full five days again."""
    endpoint.is_enabled = True
    endpoint.disabled_reason = ""
    endpoint.failure_count = 0
    endpoint.failing_since = None
    return endpoint


@service_transaction
def endpoint_rotate_secret(*, account: Account, endpoint_id: str,
                           expire_previous_in_seconds: int = 86400,
                           format: str = Format.V1) -> WebhookEndpoint:
    """A new signing secret (returned once, on the endpoint). Until the previous one expires,
    every delivery is signed with both; 0 retires it at once."""
    endpoint = _endpoint_lock(account, endpoint_id, format)
    if expire_previous_in_seconds > 0:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = clock.now(account) + timedelta(
            seconds=expire_previous_in_seconds)
    else:
        endpoint.previous_secret, endpoint.previous_secret_expires_at = "", None
    endpoint.secret = new_signing_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


def secrets_expire(*, now=None, account: Account | None = None) -> int:
    """Drop the previous secrets whose overlap has ended (by the account's clock when an
    account is given, else by the wall clock: the periodic job)."""
    endpoints = WebhookEndpoint.objects.exclude(previous_secret="").filter(
        previous_secret_expires_at__lte=now or timezone.now())
    if account is not None:
        endpoints = endpoints.filter(account=account)
    return endpoints.update(previous_secret="", previous_secret_expires_at=None)


def _vet(url: str) -> Destination:
    try:
        return vet(url)  # without DNS (a name may not resolve yet): each delivery resolves it
    except UnsafeURL as exc:
        raise UnprocessableRequest(str(exc), code="url_not_allowed", param="url") from None


def _check_url_free(destination: Destination, endpoints) -> None:
    """One endpoint per URL (as parsed) and account: more would only multiply the requests
    one event makes to one receiver."""
    if any(_same_url(parse(endpoint.url), destination) for endpoint in endpoints):
        raise UnprocessableRequest(
            f"This account already has a webhook endpoint for {destination.url}; update it "
            "instead (its events can be changed).", code="url_taken", param="url")


@service_transaction
def endpoint_delete(*, account: Account, endpoint_id: str, format: str = Format.V1) -> None:
    Account.objects.select_for_update().get(pk=account.pk)  # see _note_endpoints
    deleted, _ = WebhookEndpoint.objects.filter(account=account, public_id=endpoint_id,
                                                format=format).delete()
    if not deleted:
        raise endpoint_missing(endpoint_id)
    _note_endpoints(account, present=WebhookEndpoint.objects.filter(account=account).exists())


def _note_endpoints(account: Account, *, present: bool) -> None:
    """Keep `Account.has_webhook_endpoints` true whenever the account has an endpoint. Its
    row lock (held until commit) orders a creation and a deletion racing for one account."""
    Account.objects.filter(pk=account.pk).update(has_webhook_endpoints=present)
    account.has_webhook_endpoints = present


def events_emit(*, account: Account, events: list[tuple[str, object]]) -> list[Event]:
    """Record domain events inside the caller's transaction, as each format renders them
    (`webhooks_app.events.RENDERINGS`), with the first delivery attempt to each subscribed
    enabled endpoint of that format; the attempts run once the transaction commits.

    `events` are (domain event type, the object it is about), rendered now: each event shows
    the object as it is at this point of the transaction. A rolled-back change emits
    nothing. An account without endpoints (as `account` was read, usually when the request
    was authenticated) costs one INSERT and no task: an endpoint registered while the
    request runs receives the events created after it.
    """
    rendered = []
    for format_ in RENDERINGS.formats():
        once: dict[tuple, dict | None] = {}  # each object rendered once per format
        for domain_type, subject in events:
            for event_type, render in RENDERINGS.of(format_, domain_type):
                key = (render, id(subject))
                if key not in once:
                    once[key] = render(subject)
                if once[key] is not None:
                    rendered.append((format_, event_type, once[key]))
    return events_record(account=account, events=rendered)


def events_record(*, account: Account, events: list[tuple[str, str, dict]]) -> list[Event]:
    """Store events already rendered, (format, type, object) each, in their formats'
    envelopes, inside the caller's transaction, and schedule their first attempts."""
    now = clock.now(account)
    endpoints = _receiving(account) if account.has_webhook_endpoints else []
    created, receivers = [], []
    for format_, event_type, data in events:
        object_id = data.get("id") if isinstance(data.get("id"), str) else ""
        event = Event(account_id=account.pk, type=event_type, created_at=now,
                      object_id=object_id[:64], format=format_)
        receiving = [endpoint for endpoint in endpoints
                     if endpoint.format == format_ and endpoint.subscribes_to(event_type)]
        event.payload = json.dumps(RENDERINGS.envelope(format_)(
            event, data, pending_webhooks=len(receiving))).decode()
        created.append(event)
        receivers.append(receiving)
    sql.insert(created)  # on every payment and refund: without the ORM's query building
    deliveries = [delivery
                  for event, receiving in zip(created, receivers, strict=True)
                  for endpoint in receiving
                  for delivery in _first_attempts(account, event, endpoint, now)]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            _schedule(delivery, account)
    return created


def _receiving(account: Account) -> list[WebhookEndpoint]:
    """The account's enabled endpoints, of every format."""
    return list(WebhookEndpoint.objects.filter(account=account, is_enabled=True).order_by())


def _first_attempts(account: Account, event: Event, endpoint: WebhookEndpoint,
                    now) -> list[Delivery]:
    """The first attempt; a test scenario may send it twice (same `webhook-id`) or hold it
    back."""
    scenario = scenarios.take(account=account, operation=scenarios.WEBHOOK_DELIVERY,
                              facts={"event_type": event.type})
    when = now
    if scenario is not None and scenario.outcome == scenarios.DELAY:
        when = now + timedelta(milliseconds=scenario.delay_ms)
    copies = 2 if scenario is not None and scenario.outcome == scenarios.DUPLICATE else 1
    return [Delivery(event=event, endpoint=endpoint, attempt=1, status=DeliveryStatus.PENDING,
                     scheduled_for=when) for _copy in range(copies)]


@service_transaction
def event_simulate(*, account: Account, event_type: str, payload: dict,
                   format: str = Format.V1) -> Event:
    """A test event of any type of `format`, with the caller's payload as its object,
    delivered like a real one."""
    [event] = events_record(account=account, events=[(format, event_type, payload)])
    return event


def delivery_attempt(*, delivery_id: int) -> Delivery:
    """Make one attempt (the HTTP call runs outside any transaction), then record it."""
    delivery = Delivery.objects.select_related("event", "endpoint__account").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery  # already attempted: a task that ran twice does nothing twice
    endpoint = delivery.endpoint
    if not endpoint.is_enabled:
        delivery.status = DeliveryStatus.FAILED
        delivery.error = "Not sent: the endpoint is disabled."
        delivery.attempted_at = clock.now(endpoint.account)
        delivery.save(update_fields=["status", "error", "attempted_at"])
        return delivery
    wait = pacing.wait_for_turn(_host(endpoint.url))
    if wait:  # the host's turns this second are taken: a later one (`webhooks_app.pacing`)
        task = _attempt_task(delivery.attempt).using(
            run_after=timezone.now() + timedelta(seconds=wait))
        enqueue_on_commit(task, delivery_id=delivery.pk, account_id=endpoint.account_id)
        return delivery
    outcome = sender.send(url=endpoint.url, secrets=signing_secrets(endpoint),
                          message_id=delivery.event.public_id, payload=delivery.event.payload,
                          format=endpoint.format)
    return _attempt_record(delivery, outcome)


def _same_url(one: Destination, other: Destination) -> bool:
    """Host names are compared as DNS compares them: without regard to case."""
    return (one.scheme, one.host.lower(), one.port, one.target) == (
        other.scheme, other.host.lower(), other.port, other.target)


def _host(url: str) -> str:
    """The host an endpoint's deliveries go to (a URL that cannot be parsed is refused by the
    sender, whose turn it takes anyway)."""
    try:
        return parse(url).host
    except UnsafeURL:
        return url


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets each delivery is signed with: the current one, and during a rotation's
    overlap the previous one; an expired previous secret is dropped from storage here."""
    if not endpoint.previous_secret:
        return [endpoint.secret]
    if endpoint.previous_secret_expires_at > clock.now(endpoint.account):
        return [endpoint.secret, endpoint.previous_secret]
    WebhookEndpoint.objects.filter(pk=endpoint.pk, previous_secret=endpoint.previous_secret
                                   ).update(previous_secret="", previous_secret_expires_at=None)
    return [endpoint.secret]


@service_transaction
def _attempt_record(delivery: Delivery, outcome: sender.Outcome) -> Delivery:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    recorded = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if recorded.status != DeliveryStatus.PENDING:
        # The same attempt ran twice at once (a task handed out again while it ran): the
        # first outcome recorded stands, and schedules the only retry.
        return recorded
    account = delivery.endpoint.account
    now = clock.now(account)
    delivery.attempted_at = now
    delivery.response_status = outcome.status_code
    delivery.latency_ms = outcome.latency_ms
    delivery.error = outcome.error
    delivery.response_body = outcome.body
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        endpoint.failure_count = 0
        endpoint.failing_since = None
    else:
        delivery.status = DeliveryStatus.FAILED
        endpoint.failure_count += 1
        endpoint.failing_since = endpoint.failing_since or now
        if outcome.status_code == 410:
            _disable(endpoint, "The endpoint answered 410 Gone.")
        elif now - endpoint.failing_since >= settings.WEBHOOK_DISABLE_AFTER:
            _disable(endpoint, f"Failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC.")
        else:
            _retry_later(delivery, outcome, now, account)
    delivery.save()
    endpoint.save(update_fields=["failure_count", "failing_since", "is_enabled",
                                 "disabled_reason"])
    count_after_commit(metrics.DELIVERIES, delivery.status)
    return delivery


def _retry_later(delivery: Delivery, outcome: sender.Outcome, now, account: Account) -> None:
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    if delivery.attempt >= len(schedule):
        return  # the schedule is used up: this was the last attempt
    delay = schedule[delivery.attempt]
    if outcome.retry_after is not None:
        delay = max(delay, min(outcome.retry_after, schedule[-1]))
    delivery.next_retry_at = now + timedelta(seconds=delay)
    _schedule(
        Delivery.objects.create(
            event=delivery.event, endpoint=delivery.endpoint, attempt=delivery.attempt + 1,
            status=DeliveryStatus.PENDING, scheduled_for=delivery.next_retry_at,
        ),
        account,
    )


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.is_enabled = False
    endpoint.disabled_reason = reason


@frequent
def deliveries_resume(*, grace: timedelta) -> int:
    """Enqueue again the attempts still pending `grace` after they were due with no task
    waiting or running for them (their task was lost: failed on an outage, or never
    enqueued); a job of every scheduler tick. An attempt that already ran does nothing."""
    due = timezone.now() - grace
    overdue = list(Delivery.objects
                   .alias(due_wall=clock.WallTime("scheduled_for",
                                                  "endpoint__account__clock_offset_seconds"))
                   .filter(status=DeliveryStatus.PENDING, due_wall__lt=due)
                   .values_list("pk", "attempt", "endpoint__account_id")[:10_000])
    if not overdue:
        return 0
    live = live_task_values(tasks.attempt_delivery, "delivery_id") or set()
    resumed = [(pk, attempt, account_id) for pk, attempt, account_id in overdue
               if pk not in live]
    for delivery_id, attempt, account_id in resumed:
        _attempt_task(attempt).enqueue(delivery_id=delivery_id, account_id=account_id)
    return len(resumed)


def deliveries_purge(*, grace: timedelta) -> int:
    """Delete finished attempts (succeeded or failed) older than
    `WEBHOOK_DELIVERY_RETENTION_DAYS`, so that the history does not grow forever (a periodic
    job; `grace` is for jobs that resume work). Pending attempts are never deleted."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    deleted, _ = Delivery.objects.filter(
        status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED], attempted_at__lt=cutoff
    ).delete()
    return deleted


@service_transaction
def event_redeliver(*, account: Account, event_id: str, endpoint_id: str | None = None,
                    format: str = Format.V1) -> list[Delivery]:
    """A fresh attempt now, outside any retry schedule: to every enabled endpoint that
    subscribes to the event, or to the one named (which must be enabled); events and
    endpoints of `format` only."""
    event = Event.objects.filter(account=account, public_id=event_id, format=format).first()
    if event is None:
        raise event_missing(event_id)
    if endpoint_id is not None:
        endpoint = _endpoint_lock(account, endpoint_id, format)
        if not endpoint.is_enabled:
            raise InvalidState(f"Webhook endpoint '{endpoint_id}' is disabled; enable it "
                               "first (PATCH with enabled: true).", code="endpoint_disabled")
        endpoints = [endpoint]
    else:
        endpoints = [e for e in WebhookEndpoint.objects.filter(account=account,
                                                                is_enabled=True,
                                                                format=format)
                     if e.subscribes_to(event.type)]
    for endpoint in endpoints:
        endpoint.account = account  # no second read of the account per endpoint
    return [delivery_resend(event=event, endpoint=endpoint) for endpoint in endpoints]


@service_transaction
def delivery_resend(*, event: Event, endpoint: WebhookEndpoint) -> Delivery:
    """A fresh attempt now, outside the retry schedule (the admin's "resend", the API's
    redeliver)."""
    last = endpoint.deliveries.filter(event=event).order_by("-attempt").first()
    delivery = Delivery.objects.create(
        event=event, endpoint=endpoint, attempt=(last.attempt + 1) if last else 1,
        status=DeliveryStatus.PENDING, scheduled_for=clock.now(endpoint.account),
    )
    _schedule(delivery, endpoint.account)
    return delivery


def _attempt_task(attempt: int):
    """The delivery task on its queue: first attempts apart from retries."""
    return on_queue(tasks.attempt_delivery, tasks.queue_for(attempt))


def _schedule(delivery: Delivery, account: Account) -> None:
    """Run the attempt when the account's clock shows its time (by then, on the wall)."""
    task = _attempt_task(delivery.attempt)
    if delivery.scheduled_for > clock.now(account):
        task = task.using(run_after=clock.wall_time_of(account, delivery.scheduled_for))
    enqueue_on_commit(task, delivery_id=delivery.pk, account_id=account.pk)


def webhooks_due(*, account: Account, now, limit: int) -> DueWork:
    """The account's clock moved to `now`: attempts whose time has come go out now (the
    first `limit` of them; each waits its host's turn), and endpoints failing for
    `WEBHOOK_DISABLE_AFTER` are disabled."""
    due, left = due_batch(Delivery.objects.filter(
        endpoint__account=account, status=DeliveryStatus.PENDING, scheduled_for__lte=now,
    ).order_by("scheduled_for", "id").values_list("pk", "attempt"), limit)
    for delivery_id, attempt in due:
        enqueue_on_commit(_attempt_task(attempt), delivery_id=delivery_id,
                          account_id=account.pk)
    failing = WebhookEndpoint.objects.select_for_update().filter(
        account=account, is_enabled=True,
        failing_since__lte=now - settings.WEBHOOK_DISABLE_AFTER)
    disabled = 0
    for endpoint in failing:
        _disable(endpoint, f"Failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC.")
        endpoint.save(update_fields=["is_enabled", "disabled_reason"])
        disabled += 1
    secrets_expire(now=now, account=account)
    return DueWork({"webhook_attempts": len(due), "endpoints_disabled": disabled},
                   {"webhook_attempts": left})


@service_transaction
def webhooks_reset(*, account: Account) -> None:
    """Delete the account's endpoints and events, with their deliveries (a test-data reset)."""
    _note_endpoints(account, present=False)
    WebhookEndpoint.objects.filter(account=account).delete()
    Event.objects.filter(account=account).delete()
