"""The payments' lifecycle: charged at once, or opened to be confirmed later (on a test
payment method, a test card or a saved one), authenticated by the cardholder when the card's
issuer asks for it, captured, updated, cancelled, settled, released.

Each operation a request can make first asks `accounts.scenarios.take` whether a test
scenario shapes it (before its own transaction, so that an outage the integrator asked for
commits its count-down and nothing else). Times are the account's (`core.clock`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts import scenarios
from accounts.models import Account
from core import clock, metrics, sql
from core.errors import InvalidState, NotFound, UnprocessableRequest
from core.formats import Format
from core.ids import id_for
from core.metadata import merged_metadata
from core.metrics import count_after_commit
from core.periodic import frequent
from core.sandbox import DueWork, due_batch
from core.tasks import enqueue_on_commit, live_task_values, on_queue
from core.transactions import service_transaction
from payments import selectors, simulator, tasks
from payments.models import (
    CHARGE_ID_PREFIX,
    PAYMENT_ID_PREFIX,
    AuthenticationStatus,
    CaptureMethod,
    CardAuthentication,
    Charge,
    ChargeStatus,
    Checkout,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Setup,
)
from payments.money import format_major, to_major
from payments.selectors import Method
from payments.services.authentications import (
    authentication_decided,
    authentication_new,
    authentication_supersede,
)
from payments.services.cards import YEARS_VALID, card_attach_locked
from payments.services.locks import customer_lock
from payments.state import FINAL, raise_invalid, require, transition
from webhooks_app import events
from webhooks_app.services import events_emit

SETTLES_LATER = {PaymentMethod.BANK_TRANSFER, PaymentMethod.CRYPTO}
# How long an authorization holds (by the account's clock) before it is released.
AUTHORIZATION_VALIDITY = timedelta(days=7)
RELEASED = "automatic"  # the cancellation reason of a released authorization
ABANDONED = "abandoned"  # of an unconfirmed payment whose checkout expired


@dataclass(frozen=True)
class Cardholder:
    """Where the cardholder is when a payment is confirmed: absent (`off_session`), or at a
    browser that the sandbox's authentication page can be shown in (`authenticate_at`: the
    sandbox's root URL for that browser; "" when there is none)."""

    off_session: bool = False
    authenticate_at: str = ""


def payment_create(
    *,
    account: Account,
    amount_minor: int,
    currency: str,
    description: str = "",
    customer_email: str = "",
    customer_id: str = "",
    payment_method: str = PaymentMethod.CARD,
    payment_method_id: str = "",
    metadata: dict | None = None,
    idempotency_key: str = "",
    origin: str = Format.V1,
) -> Payment:
    """Charge in test mode. Declines are stored too: the returned payment says `failed`.

    Cards and wallets settle at once; bank transfers and crypto stay `pending` until the
    settlement task runs `SETTLEMENT_DELAY_SECONDS` later. A test scenario comes first, then
    the test payment methods and the amount triggers.
    """
    scenario = scenarios.take(account=account, operation=scenarios.PAYMENT_CREATE, facts={
        "amount": to_major(amount_minor, currency), "currency": currency,
        "payment_method": payment_method})
    declined = scenario.decline_code if scenario and scenario.outcome == scenarios.DECLINE else ""
    return _create(
        account=account, amount_minor=amount_minor, currency=currency,
        declined=declined, fields=dict(
            description=description, customer_email=customer_email, customer_id=customer_id,
            payment_method=payment_method, payment_method_id=payment_method_id,
            metadata=metadata or {}, idempotency_key=idempotency_key, origin=origin),
    )


@service_transaction
def _create(*, account: Account, amount_minor: int, currency: str, declined: str,
            fields: dict) -> Payment:
    method = Method(fields["payment_method_id"]) if declined else selectors.method_get(
        account=account, method_id=fields["payment_method_id"])
    now = clock.now(account)
    payment = Payment(public_id=id_for("payment", fields["origin"], default=PAYMENT_ID_PREFIX),
                      account=account, amount_minor=amount_minor, currency=currency,
                      status=PaymentStatus.PENDING, created_at=now, updated_at=now, **fields)
    reason = declined or simulator.decline_reason(simulator.Attempt(
        to_major(amount_minor, currency), method.id, method.card))
    if reason:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.FAILED)
        payment.failure_reason = reason
    elif payment.payment_method not in SETTLES_LATER:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.COMPLETED)
        payment.amount_received_minor = amount_minor
    sql.insert([payment])  # the hot path's INSERT, without the ORM's query building
    count_after_commit(metrics.PAYMENTS, currency, payment.status)
    outcome = {
        PaymentStatus.COMPLETED: [events.PAYMENT_COMPLETED],
        PaymentStatus.FAILED: [events.PAYMENT_FAILED],
    }.get(payment.status, [])
    _emit(payment, events.PAYMENT_CREATED, *outcome)
    if payment.status == PaymentStatus.PENDING:
        _schedule_settlement(payment)
    return payment


def _emit(payment: Payment, *event_types: str) -> None:
    """The payment's domain events, as it is now (each format renders its own)."""
    events_emit(account=payment.account, events=[(t, payment) for t in event_types])


def _touch(payment: Payment) -> datetime:
    payment.updated_at = clock.now(payment.account)
    return payment.updated_at


def payment_facts(payment: Payment) -> dict:
    """What a test scenario's `match` compares for an operation on `payment`."""
    return {"amount": to_major(payment.amount_minor, payment.currency),
            "currency": payment.currency, "payment_method": payment.payment_method}


@frequent
def payments_settle_overdue(*, grace: timedelta) -> int:
    """Enqueue settlement again for pending payments `grace` past their delay with no
    settlement task waiting or running (it was lost); a job of every scheduler tick.
    Settling is idempotent, so a duplicate task is harmless."""
    due = timezone.now() - timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS) - grace
    created_wall = clock.WallTime("created_at", "account__clock_offset_seconds")
    overdue = list(Payment.objects.alias(created_wall=created_wall)
                   .filter(status=PaymentStatus.PENDING, created_wall__lt=due)
                   .values_list("public_id", flat=True)[:10_000])
    if not overdue:
        return 0
    live = live_task_values(tasks.settle_payment, "payment_id") or set()
    resumed = [payment_id for payment_id in overdue if payment_id not in live]
    task = on_queue(tasks.settle_payment)
    for payment_id in resumed:
        task.enqueue(payment_id=payment_id)
    return len(resumed)


def payments_due(*, account: Account, now: datetime, limit: int) -> DueWork:
    """Settle the account's pending payments whose delay has passed by its clock (the
    clock was advanced), the oldest `limit` of them."""
    due = now - timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS)
    pending, left = due_batch(Payment.objects.filter(
        account=account, status=PaymentStatus.PENDING, created_at__lte=due,
    ).order_by("created_at", "id").values_list("public_id", flat=True), limit)
    settled = [payment_settle(payment_id=payment_id) for payment_id in pending]
    return DueWork(
        {"payments_settled": sum(1 for p in settled if p.status != PaymentStatus.PENDING)},
        {"payments_settled": left})


def _schedule_settlement(payment: Payment) -> None:
    run_after = timezone.now() + timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS)
    enqueue_on_commit(tasks.settle_payment.using(run_after=run_after),
                      payment_id=payment.public_id)


def payment_lock(*, payment_id: str, account: Account | None = None) -> Payment:
    """The payment row, locked until the caller's transaction ends (404 if not the caller's)."""
    where = {"public_id": payment_id} if account is None else {
        "public_id": payment_id, "account_id": account.pk}
    payment = sql.get_with(Payment, lock=True, **where)  # on every refund and cancel
    if payment is None:
        raise NotFound("payment", payment_id, param="payment_id")
    if account is not None:
        payment.account = account  # the caller's instance: no second read of the account
    return payment


@service_transaction
def payment_settle(*, payment_id: str) -> Payment:
    """Complete a pending payment (the settlement task), or fail it when a test scenario
    says so; other statuses are left as they are."""
    payment = payment_lock(payment_id=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    scenario = scenarios.take(account=payment.account, operation=scenarios.PAYMENT_SETTLE,
                              facts=payment_facts(payment))
    transition(payment, PaymentStatus.PROCESSING)
    if scenario is not None:  # its only outcome: fail
        transition(payment, PaymentStatus.FAILED)
        payment.failure_reason = scenario.decline_code
    else:
        transition(payment, PaymentStatus.COMPLETED)
        payment.amount_received_minor = payment.amount_minor
    _touch(payment)
    payment.save(update_fields=["status", "failure_reason", "amount_received_minor",
                                "updated_at"])
    _emit(payment, events.PAYMENT_FAILED if scenario else events.PAYMENT_COMPLETED)
    return payment


def payment_cancel(*, account: Account, payment_id: str, reason: str = "") -> Payment:
    """Cancel a payment that has not settled yet (pending, processing), not been confirmed
    (requires_confirmation), not been authenticated (requires_action: its authentication is
    superseded) or not been captured (authorized: the authorization is released);
    InvalidState from any other status."""
    scenarios.take(account=account, operation=scenarios.PAYMENT_CANCEL, facts=lambda: (
        payment_facts(selectors.payment_get(account=account, payment_id=payment_id))))
    return _cancel(account=account, payment_id=payment_id, reason=reason)


@service_transaction
def _cancel(*, account: Account, payment_id: str, reason: str) -> Payment:
    payment = payment_lock(payment_id=payment_id, account=account)
    return _cancel_locked(payment, reason)


def payment_abandon(*, account: Account, payment_id: str) -> None:
    """Cancel a payment still waiting for its confirmation (or its authentication) when the
    page it was to be paid on is gone (its checkout expired: reason "abandoned"), inside the
    caller's transaction; nothing if it moved on."""
    payment = payment_lock(payment_id=payment_id, account=account)
    if payment.status in CONFIRMABLE:
        _cancel_locked(payment, ABANDONED)


def _cancel_locked(payment: Payment, reason: str) -> Payment:
    now = _touch(payment)
    _supersede(payment, now)
    transition(payment, PaymentStatus.CANCELLED)
    payment.cancelled_at = now
    payment.cancellation_reason = reason
    payment.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    _emit(payment, events.PAYMENT_CANCELLED)
    return payment


# --- Payments confirmed by the client: open, confirm, capture, update; release -------------


# What a payment keeps besides its money, for the format that shows it (`payment_open`,
# `payment_confirm` and `payment_update` take them as keywords).
DETAILS = frozenset({"statement_descriptor", "statement_descriptor_suffix", "shipping",
                     "return_url", "setup_future_usage", "format_fields", "customer_email"})


def _details(details: dict) -> dict:
    unknown = set(details) - DETAILS
    if unknown:
        raise TypeError(f"Unknown payment details: {sorted(unknown)}")
    return details


def payment_open(
    *,
    account: Account,
    amount_minor: int,
    currency: str,
    payment_method_id: str = "",
    confirm: bool = False,
    off_session: bool = False,
    capture_method: str = CaptureMethod.AUTOMATIC,
    customer_id: str = "",
    description: str = "",
    customer_email: str = "",
    metadata: dict | None = None,
    idempotency_key: str = "",
    origin: str = Format.V1,
    authenticate_at: str = "",
    declined: str | None = None,
    **details,
) -> Payment:
    """A payment to be confirmed by the client: `requires_confirmation`, with the payment
    method attached if one is given. With `confirm`, it is confirmed in the same transaction
    (see `payment_confirm`: a decline leaves it `requires_confirmation` with its
    `failure_reason`; a card that asks for authentication, with `authenticate_at`, leaves it
    `requires_action`). Amount and currency are validated by the caller, as for
    `payment_create`; an unknown payment method or customer is NotFound, and nothing is
    stored. `details` (`DETAILS`) are kept as given. `declined`: see `payment_confirm`."""
    if capture_method not in CaptureMethod.values:
        raise UnprocessableRequest(f"Unknown capture method '{capture_method}'.",
                                   param="capture_method")
    method = selectors.method_get(account=account, method_id=payment_method_id)
    if customer_id:
        selectors.customer_get(account=account, customer_id=customer_id)
    payment = Payment(
        public_id=id_for("payment", origin, default=PAYMENT_ID_PREFIX), account=account,
        origin=origin, amount_minor=amount_minor, currency=currency,
        status=PaymentStatus.REQUIRES_CONFIRMATION, payment_method=PaymentMethod.CARD,
        payment_method_id=payment_method_id, capture_method=capture_method,
        customer_id=customer_id, description=description, customer_email=customer_email,
        metadata=metadata or {}, idempotency_key=idempotency_key[:64], **_details(details))
    _check_owner(payment, method)
    if confirm:
        _check_confirmable(payment, payment_method_id)
        if declined is None:
            declined = _scenario_decline(account, payment)
    return _open(payment, method, confirm=confirm, declined=declined or "",
                 cardholder=Cardholder(off_session, authenticate_at))


@service_transaction
def _open(payment: Payment, method: Method, *, confirm: bool, declined: str,
          cardholder: Cardholder) -> Payment:
    payment.created_at = payment.updated_at = now = clock.now(payment.account)
    _emit(payment, events.PAYMENT_CREATED)  # the payment before its confirmation
    if confirm:
        outcome, record = _attempt(payment, method, declined, now, cardholder)
    payment.save(force_insert=True)
    count_after_commit(metrics.PAYMENTS, payment.currency, payment.status)
    if confirm:
        _recorded(payment, record, outcome)
    return payment


# The fields a confirmation (or the authentication that completes one) changes.
CONFIRMED = ("status", "payment_method_id", "failure_reason", "amount_received_minor",
             "capture_before", "updated_at", "latest_charge_id")
CONFIRMABLE = frozenset({PaymentStatus.REQUIRES_CONFIRMATION, PaymentStatus.REQUIRES_ACTION})


def payment_confirm(*, account: Account, payment_id: str, payment_method_id: str = "",
                    off_session: bool = False, authenticate_at: str = "",
                    declined: str | None = None, **details) -> Payment:
    """Charge a `requires_confirmation` payment with `payment_method_id`, or the method it
    has (not one that was declined): each charge is a Charge. The simulator decides, after
    a test scenario of `payment.create` (a decline, or an outage: nothing changes);
    `off_session` charges without the cardholder (a card whose issuer asks for
    authentication is then declined, `authentication_required`). Success: automatic capture
    → `completed` (the whole amount received); manual → `authorized` until `capture_before`
    (7 days by the account's clock); with `setup_future_usage` and a customer, the card is
    saved for the customer. A decline leaves it `requires_confirmation` with `failure_reason`
    set, to be confirmed again with another method.

    `authenticate_at` says the cardholder is at a browser that can be sent to the sandbox's
    authentication page, and where the sandbox is for that browser (its root URL, as the
    request reached it). Then a card whose issuer asks the cardholder to authenticate is
    not charged yet: the payment waits in `requires_action` for a new `CardAuthentication`
    (`payment.pending_authentication`; the page's address is
    `payments.pages.links.authentication_url`, the browser returns to the payment's
    `return_url`), which `payments.services.authentication_decide` completes (the charge is
    made then) or fails. Without it (formats whose clients never show a customer a page, or
    off session), such a card is charged as it is. A payment in `requires_action` can be
    confirmed again: that supersedes its pending authentication. InvalidState from any other
    status, or without a payment method (code `payment_method_missing`).

    A caller that consulted a test scenario of its own operation (a checkout's page) gives
    its outcome as `declined` (a decline code, or "" for none): `payment.create`'s is then
    not consulted, and a decline asks for no authentication."""
    method = (selectors.method_get(account=account, method_id=payment_method_id)
              if payment_method_id else None)
    if declined is None and account.has_scenarios:  # judged before a scenario is used up
        payment = selectors.payment_get(account=account, payment_id=payment_id)
        _check_confirmable(payment, payment_method_id)
        declined = _scenario_decline(account, payment)
    return _confirm(account=account, payment_id=payment_id, method=method,
                    declined=declined or "", cardholder=Cardholder(off_session, authenticate_at),
                    details=_details(details))


@service_transaction
def _confirm(*, account: Account, payment_id: str, method: Method | None, declined: str,
             cardholder: Cardholder, details: dict) -> Payment:
    payment = payment_lock(payment_id=payment_id, account=account)
    method_id = _check_confirmable(payment, method.id if method else "")
    if method is None:  # the payment's own
        method = selectors.method_get(account=account, method_id=method_id)
    for name, value in details.items():
        setattr(payment, name, value)
    _check_owner(payment, method)
    outcome, record = _attempt(payment, method, declined, _touch(payment), cardholder)
    payment.save(update_fields=[*CONFIRMED, *details])
    _recorded(payment, record, outcome)
    return payment


def _check_confirmable(payment: Payment, payment_method_id: str) -> str:
    """The payment method a confirmation would use; InvalidState when it cannot be made."""
    if payment.status not in CONFIRMABLE:
        raise_invalid(payment, "confirm")
    # A declined method stays on the payment as a record, but is not used again by itself.
    method = payment_method_id or ("" if payment.failure_reason else payment.payment_method_id)
    if not method:
        raise InvalidState(
            f"Payment '{payment.public_id}' cannot be confirmed without a payment method: "
            "give one.", code="payment_method_missing", subject=payment, action="confirm")
    return method


def _check_owner(payment: Payment, method: Method) -> None:
    """A card saved for a customer is charged only for that customer."""
    owner = method.saved.customer if method.saved is not None else None
    if owner is not None and owner.public_id != payment.customer_id:
        raise UnprocessableRequest(
            f"Payment method '{method.id}' is saved for customer '{owner.public_id}': the "
            "payment must name that customer.", code="payment_method_customer_mismatch",
            param="customer_id")


def _scenario_decline(account: Account, payment: Payment) -> str:
    """The decline code of a test scenario of `payment.create` shaping this confirmation
    ('' if none); its outages raise here, before anything is written."""
    scenario = scenarios.take(account=account, operation=scenarios.PAYMENT_CREATE,
                              facts=lambda: payment_facts(payment))
    return scenario.decline_code if scenario and scenario.outcome == scenarios.DECLINE else ""


def _attempt(payment: Payment, method: Method, declined: str, now: datetime,
             cardholder: Cardholder) -> tuple[str, Charge | CardAuthentication]:
    """Confirm `payment` with `method` (in memory; the caller saves it, then `_recorded`
    stores what the attempt made): the outcome's domain event, and the attempt's charge or,
    when the card's issuer asks the cardholder at a browser to authenticate first, the
    authentication the payment now waits for. A pending one is superseded first."""
    _supersede(payment, now)
    payment.payment_method_id = method.id
    charged = simulator.Attempt(to_major(payment.amount_minor, payment.currency), method.id,
                                method.card, off_session=cardholder.off_session)
    if cardholder.authenticate_at and not declined and simulator.asks_authentication(charged):
        transition(payment, PaymentStatus.REQUIRES_ACTION)
        payment.failure_reason = ""
        authentication = authentication_new(payment, site_url=cardholder.authenticate_at,
                                            now=now)
        return events.PAYMENT_REQUIRES_ACTION, authentication
    return _charge(payment, method, declined or simulator.decline_reason(charged), now)


def _supersede(payment: Payment, now: datetime) -> None:
    """A payment waiting for an authentication is confirmed again or cancelled: back to
    `requires_confirmation`, its pending authentication superseded."""
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        transition(payment, PaymentStatus.REQUIRES_CONFIRMATION)
        authentication_supersede(payment, now)


def _charge(payment: Payment, method: Method, reason: str, now: datetime, *,
            authentication: CardAuthentication | None = None) -> tuple[str, Charge]:
    """Charge `payment` with `method` (in memory), declined for `reason` ('' approves it):
    the outcome's domain event and the charge (made after `authentication`, if any)."""
    charge = Charge(
        public_id=id_for("charge", payment.origin, default=CHARGE_ID_PREFIX),
        account=payment.account, payment=payment, amount_minor=payment.amount_minor,
        currency=payment.currency, status=ChargeStatus.FAILED if reason else ChargeStatus.SUCCEEDED,
        failure_reason=reason, method_id=method.id, card=_card_facts(method, now),
        authenticated_by=authentication.public_id if authentication else "",
        description=payment.description, metadata=dict(payment.metadata), created_at=now)
    payment.latest_charge_id = charge.public_id
    payment.failure_reason = reason
    if reason:
        if payment.status == PaymentStatus.REQUIRES_ACTION:  # declined once authenticated
            transition(payment, PaymentStatus.REQUIRES_CONFIRMATION)
        return events.PAYMENT_FAILED, charge
    transition(payment, PaymentStatus.PROCESSING)
    if payment.setup_future_usage and payment.customer_id:
        customer = customer_lock(payment.account, payment.customer_id)
        card = card_attach_locked(payment.account, method, customer, origin=payment.origin)
        payment.payment_method_id = card.public_id
    if payment.capture_method == CaptureMethod.MANUAL:
        transition(payment, PaymentStatus.AUTHORIZED)
        payment.capture_before = now + AUTHORIZATION_VALIDITY
        return events.PAYMENT_AUTHORIZED, charge
    transition(payment, PaymentStatus.COMPLETED)
    payment.amount_received_minor = charge.amount_captured_minor = payment.amount_minor
    return events.PAYMENT_COMPLETED, charge


def _card_facts(method: Method, now: datetime) -> dict:
    """The card of a charge as it is at the charge (empty for a method that is no card)."""
    if method.saved is not None:
        card = method.saved
        return {"brand": card.brand, "last4": card.last4, "exp_month": card.exp_month,
                "exp_year": card.exp_year, "funding": card.funding, "country": card.country,
                "fingerprint": card.fingerprint}
    if method.card is not None:
        card = method.card
        return {"brand": card.brand, "last4": card.last4, "exp_month": 12,
                "exp_year": now.year + YEARS_VALID, "funding": card.funding,
                "country": card.country, "fingerprint": card.fingerprint}
    return {}


def _recorded(payment: Payment, record: Charge | CardAuthentication, outcome: str) -> None:
    """Store what a confirmation made (the payment saved), and emit the events: the charge's
    and the payment's outcome, or the payment's wait for its new authentication."""
    record.payment = payment
    record.save(force_insert=True)
    if isinstance(record, CardAuthentication):
        payment.pending_authentication = record
        _emit(payment, outcome)
        return
    charge_event = (events.CHARGE_FAILED if record.status == ChargeStatus.FAILED
                    else events.CHARGE_SUCCEEDED)
    events_emit(account=payment.account, events=[(charge_event, record), (outcome, payment)])


def payment_authenticated(payment: Payment, authentication: CardAuthentication,
                          outcome: str) -> None:
    """The cardholder decided `authentication`, the pending one of `payment` (both locked
    by the caller: `payments.services.cardholder`). `completed`: the payment is charged, as
    a confirmation charges it (`succeeded`, `authorized` for a manual capture, or declined
    by the issuer after all). `failed`: back to `requires_confirmation`, failure reason
    `authentication_failed`, to be confirmed with another method (no charge was made)."""
    now = _touch(payment)
    authentication_decided(authentication, outcome, now)
    payment.pending_authentication = None
    if outcome == AuthenticationStatus.COMPLETED:
        method = selectors.method_get(account=payment.account,
                                      method_id=payment.payment_method_id)
        reason = simulator.decline_reason(simulator.Attempt(
            to_major(payment.amount_minor, payment.currency), method.id, method.card))
        event, charge = _charge(payment, method, reason, now, authentication=authentication)
        payment.save(update_fields=list(CONFIRMED))
        _recorded(payment, charge, event)
        return
    transition(payment, PaymentStatus.REQUIRES_CONFIRMATION)
    payment.failure_reason = simulator.AUTHENTICATION_FAILED
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    _emit(payment, events.PAYMENT_FAILED)


@service_transaction
def payment_capture(*, account: Account, payment_id: str,
                    amount_minor: int | None = None) -> Payment:
    """Capture an `authorized` payment: all of it (default) or `amount_minor` of it (0 <
    amount ≤ the amount; the rest is released). It becomes `completed`, with
    `amount_received_minor` = what was captured: what refunds can draw on. InvalidState from
    any other status, or once the authorization has expired (code `authorization_expired`);
    UnprocessableRequest for an amount out of range (`amount_too_large` above the amount)."""
    payment = payment_lock(payment_id=payment_id, account=account)
    require(payment, PaymentStatus.AUTHORIZED, "capture")
    now = _touch(payment)
    if payment.capture_before is not None and payment.capture_before <= now:
        raise InvalidState(
            f"Payment '{payment.public_id}' cannot be captured: its authorization expired.",
            code="authorization_expired", subject=payment, action="capture")
    amount = payment.amount_minor if amount_minor is None else amount_minor
    if amount <= 0:
        raise UnprocessableRequest("The amount to capture must be greater than zero.",
                                   param="amount_minor")
    if amount > payment.amount_minor:
        authorized = format_major(payment.amount_minor, payment.currency)
        raise UnprocessableRequest(
            f"The amount to capture exceeds the authorized amount of {authorized} "
            f"{payment.currency}.", code="amount_too_large", param="amount_minor")
    transition(payment, PaymentStatus.COMPLETED)
    payment.amount_received_minor = amount
    payment.capture_before = None
    payment.save(update_fields=["status", "amount_received_minor", "capture_before",
                                "updated_at"])
    captured = [(events.PAYMENT_COMPLETED, payment)]
    charge = payment.charges.filter(public_id=payment.latest_charge_id).first()
    if charge is not None:  # (authorizations made before charges were kept have none)
        charge.amount_captured_minor = amount
        charge.save(update_fields=["amount_captured_minor"])
        captured.insert(0, (events.CHARGE_CAPTURED, charge))
    events_emit(account=account, events=captured)
    return payment


@service_transaction
def payment_update(
    *,
    account: Account,
    payment_id: str,
    description: str | None = None,
    metadata: dict | None = None,
    customer_email: str | None = None,
    customer_id: str | None = None,
    payment_method_id: str | None = None,
    **details,
) -> Payment:
    """Change what is given (None: unchanged; "" clears) of a payment not in a final status,
    and its `details` (`DETAILS`).
    `metadata` is merged (`core.metadata.merged_metadata`). The payment method and the
    customer change only before confirmation (`requires_confirmation`). An update forgets a
    decline: `failure_reason` is cleared, and the declined method stays detached unless a
    new one is given."""
    if payment_method_id:
        selectors.method_get(account=account, method_id=payment_method_id)
    payment = payment_lock(payment_id=payment_id, account=account)
    if payment.status in FINAL:
        raise_invalid(payment, "update")
    unconfirmed = payment.status == PaymentStatus.REQUIRES_CONFIRMATION
    for name, value in (("payment_method_id", payment_method_id),
                        ("customer_id", customer_id)):
        if value is not None and not unconfirmed:
            raise InvalidState(
                f"Payment '{payment.public_id}': its {name} can only change before it is "
                f"confirmed. Current status: '{payment.status}'.", param=name,
                subject=payment, action="update")
    if customer_id:
        selectors.customer_get(account=account, customer_id=customer_id)
    if unconfirmed and payment.failure_reason:
        payment.failure_reason = ""
        payment.payment_method_id = ""
    for name, value in (("description", description), ("customer_email", customer_email),
                        ("customer_id", customer_id), ("payment_method_id", payment_method_id)):
        if value is not None:
            setattr(payment, name, value)
    if metadata is not None:
        payment.metadata = merged_metadata(payment.metadata, metadata)
    if "format_fields" in _details(details):
        details["format_fields"] = {**payment.format_fields, **details["format_fields"]}
    for name, value in details.items():
        setattr(payment, name, value)
    _touch(payment)
    payment.save(update_fields=["description", "customer_email", "customer_id",
                                "payment_method_id", "failure_reason", "metadata",
                                "updated_at", *details])
    return payment


@frequent
def payments_release_expired(*, grace: timedelta) -> int:
    """Release the authorizations whose `capture_before` has passed by their account's clock
    (cancelled, reason "automatic"); a job of every scheduler tick. An expiry is a deadline,
    not lost work: no `grace`."""
    expires_wall = clock.WallTime("capture_before", "account__clock_offset_seconds")
    expired = list(Payment.objects.alias(expires_wall=expires_wall)
                   .filter(status=PaymentStatus.AUTHORIZED, expires_wall__lte=timezone.now())
                   .values_list("public_id", flat=True)[:10_000])
    return sum(payment_release(payment_id=payment_id) for payment_id in expired)


def payments_release_due(*, account: Account, now: datetime, limit: int) -> DueWork:
    """Release the account's authorizations expired by its clock (the clock was advanced),
    the first `limit` of them to expire."""
    expired, left = due_batch(Payment.objects.filter(
        account=account, status=PaymentStatus.AUTHORIZED, capture_before__lte=now,
    ).order_by("capture_before", "id").values_list("public_id", flat=True), limit)
    return DueWork({"authorizations_released": sum(
        payment_release(payment_id=payment_id, account=account) for payment_id in expired)},
        {"authorizations_released": left})


@service_transaction
def payment_release(*, payment_id: str, account: Account | None = None) -> bool:
    """Cancel an authorized payment whose authorization has expired (reason "automatic");
    False (nothing done) when it is no longer authorized or not expired yet."""
    payment = payment_lock(payment_id=payment_id, account=account)
    if (payment.status != PaymentStatus.AUTHORIZED or payment.capture_before is None
            or payment.capture_before > clock.now(payment.account)):
        return False
    _cancel_locked(payment, RELEASED)
    return True


def payment_record_refund(*, payment: Payment, amount_minor: int) -> Payment:
    """Add a refund to a payment locked by the caller; `refunds.services` emits the events."""
    payment.refunded_minor += amount_minor
    full = payment.refunded_minor == payment.amount_received_minor
    transition(payment, PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED)
    _touch(payment)
    sql.update(Payment, {"refunded_minor": payment.refunded_minor, "status": payment.status,
                         "updated_at": payment.updated_at}, where={"id": payment.pk})
    return payment


def payments_reset(*, account: Account) -> None:
    """Delete the account's checkouts, payments (with their charges and refunds) and setups
    (a test-data reset); customers and their saved cards stay."""
    Checkout.objects.filter(account=account).delete()
    Payment.objects.filter(account=account).delete()
    Setup.objects.filter(account=account).delete()
