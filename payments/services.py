"""Payment operations: the only code that creates payments or moves their status."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from core import metrics
from core.errors import NotFound
from core.metrics import count_after_commit
from core.tasks import enqueue_on_commit
from payments import simulator, tasks
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.money import to_major
from payments.rendering import payment_to_v1
from payments.state import transition
from webhooks_app import events
from webhooks_app.services import events_emit

SETTLES_LATER = {PaymentMethod.BANK_TRANSFER, PaymentMethod.CRYPTO}


@transaction.atomic
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
    settlement task runs `SETTLEMENT_DELAY_SECONDS` later.
    """
    simulator.check_payment_method_id(payment_method_id)
    payment = Payment(
        account=account,
        amount_minor=amount_minor,
        currency=currency,
        description=description,
        customer_email=customer_email,
        customer_id=customer_id,
        payment_method=payment_method,
        payment_method_id=payment_method_id,
        metadata=metadata or {},
        idempotency_key=idempotency_key,
        status=PaymentStatus.PENDING,
    )
    reason = simulator.decline_reason(to_major(amount_minor, currency), payment_method_id)
    if reason:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.FAILED)
        payment.failure_reason = reason
    elif payment_method not in SETTLES_LATER:
        transition(payment, PaymentStatus.PROCESSING)
        transition(payment, PaymentStatus.COMPLETED)
    payment.save()
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


def payments_settle_overdue(*, grace: timedelta) -> int:
    """Enqueue settlement again for pending payments well past their delay (a periodic
    job); settling is idempotent, so a duplicate task is harmless."""
    due = timezone.now() - timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS) - grace
    overdue = list(Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lt=due)
                   .values_list("public_id", flat=True)[:10_000])
    for payment_id in overdue:
        tasks.settle_payment.enqueue(payment_id=payment_id)
    return len(overdue)


def _schedule_settlement(payment: Payment) -> None:
    run_after = timezone.now() + timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS)
    enqueue_on_commit(tasks.settle_payment.using(run_after=run_after),
                      payment_id=payment.public_id)


def payment_lock(*, payment_id: str, account: Account | None = None) -> Payment:
    """The payment row, locked until the caller's transaction ends (404 if not the caller's)."""
    queryset = Payment.objects.select_for_update()
    if account is not None:
        queryset = queryset.filter(account=account)
    try:
        payment = queryset.get(public_id=payment_id)
    except Payment.DoesNotExist:
        raise NotFound(f"Payment '{payment_id}' not found.", param="payment_id") from None
    if account is not None:
        payment.account = account  # the caller's instance: no second read of the account
    return payment


@transaction.atomic
def payment_settle(*, payment_id: str) -> Payment:
    """Complete a pending payment (the settlement task); other statuses are left as they are."""
    payment = payment_lock(payment_id=payment_id)
    if payment.status != PaymentStatus.PENDING:
        return payment
    transition(payment, PaymentStatus.PROCESSING)
    transition(payment, PaymentStatus.COMPLETED)
    payment.save(update_fields=["status", "updated_at"])
    _emit(payment, events.PAYMENT_COMPLETED)
    return payment


@transaction.atomic
def payment_cancel(*, account: Account, payment_id: str, reason: str = "") -> Payment:
    """Cancel a payment that has not settled yet; 409 from any other status."""
    payment = payment_lock(payment_id=payment_id, account=account)
    transition(payment, PaymentStatus.CANCELLED)
    payment.cancelled_at = timezone.now()
    payment.cancellation_reason = reason
    payment.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    _emit(payment, events.PAYMENT_CANCELLED)
    return payment


def payment_record_refund(*, payment: Payment, amount_minor: int) -> Payment:
    """Add a refund to a payment locked by the caller; `refunds.services` emits the events."""
    payment.refunded_minor += amount_minor
    full = payment.refunded_minor == payment.amount_minor
    transition(payment, PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED)
    payment.save(update_fields=["refunded_minor", "status", "updated_at"])
    return payment


def payments_reset(*, account: Account) -> None:
    """Delete the account's payments and their refunds (a test-data reset)."""
    Payment.objects.filter(account=account).delete()
