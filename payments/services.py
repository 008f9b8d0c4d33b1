"""Payment operations: the only code that creates payments or moves their status.

Each operation a request can make first asks `accounts.scenarios.take` whether a test
scenario shapes it (before its own transaction, so that an outage the integrator asked for
commits its count-down and nothing else). Times are the account's (`core.clock`).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import scenarios
from accounts.models import Account
from core import clock, metrics, sql, transactions
from core.errors import NotFound
from core.metrics import count_after_commit
from core.periodic import frequent
from core.tasks import enqueue_on_commit, live_task_values, on_queue
from payments import selectors, simulator, tasks
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.money import to_major
from payments.rendering import payment_to_v1
from payments.state import transition
from webhooks_app import events
from webhooks_app.services import events_emit

SETTLES_LATER = {PaymentMethod.BANK_TRANSFER, PaymentMethod.CRYPTO}


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
            metadata=metadata or {}, idempotency_key=idempotency_key),
    )


@transactions.atomic  # the hot path: no savepoint inside an idempotent request
def _create(*, account: Account, amount_minor: int, currency: str, declined: str,
            fields: dict) -> Payment:
    if not declined:
        simulator.check_payment_method_id(fields["payment_method_id"])
    now = clock.now(account)
    payment = Payment(account=account, amount_minor=amount_minor, currency=currency,
                      status=PaymentStatus.PENDING, created_at=now, updated_at=now, **fields)
    reason = declined or simulator.decline_reason(to_major(amount_minor, currency),
                                                  fields["payment_method_id"])
    if reason:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.FAILED)
        payment.failure_reason = reason
    elif payment.payment_method not in SETTLES_LATER:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.COMPLETED)
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
    data = payment_to_v1(payment)
    events_emit(account=payment.account, events=[(t, data) for t in event_types])


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


def payments_due(*, account: Account, now: datetime) -> dict[str, int]:
    """Settle the account's pending payments whose delay has passed by its clock (the
    clock was advanced)."""
    due = now - timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS)
    pending = Payment.objects.filter(account=account, status=PaymentStatus.PENDING,
                                     created_at__lte=due).values_list("public_id", flat=True)
    settled = [payment_settle(payment_id=payment_id) for payment_id in pending]
    return {"payments_settled": sum(1 for p in settled if p.status != PaymentStatus.PENDING)}


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
        raise NotFound(f"Payment '{payment_id}' not found.", param="payment_id")
    if account is not None:
        payment.account = account  # the caller's instance: no second read of the account
    return payment


@transaction.atomic
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
    _touch(payment)
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    _emit(payment, events.PAYMENT_FAILED if scenario else events.PAYMENT_COMPLETED)
    return payment


def payment_cancel(*, account: Account, payment_id: str, reason: str = "") -> Payment:
    """Cancel a payment that has not settled yet; 409 from any other status."""
    scenarios.take(account=account, operation=scenarios.PAYMENT_CANCEL, facts=lambda: (
        payment_facts(selectors.payment_get(account=account, payment_id=payment_id))))
    return _cancel(account=account, payment_id=payment_id, reason=reason)


@transaction.atomic
def _cancel(*, account: Account, payment_id: str, reason: str) -> Payment:
    payment = payment_lock(payment_id=payment_id, account=account)
    transition(payment, PaymentStatus.CANCELLED)
    payment.cancelled_at = _touch(payment)
    payment.cancellation_reason = reason
    payment.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    _emit(payment, events.PAYMENT_CANCELLED)
    return payment


def payment_record_refund(*, payment: Payment, amount_minor: int) -> Payment:
    """Add a refund to a payment locked by the caller; `refunds.services` emits the events."""
    payment.refunded_minor += amount_minor
    full = payment.refunded_minor == payment.amount_minor
    transition(payment, PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED)
    _touch(payment)
    sql.update(Payment, {"refunded_minor": payment.refunded_minor, "status": payment.status,
                         "updated_at": payment.updated_at}, where={"id": payment.pk})
    return payment


def payments_reset(*, account: Account) -> None:
    """Delete the account's payments and their refunds (a test-data reset)."""
    Payment.objects.filter(account=account).delete()
