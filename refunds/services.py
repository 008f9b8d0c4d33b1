"""Refund operations: the only code that creates refunds."""

from decimal import Decimal

from accounts import scenarios
from accounts.models import Account
from core import clock, metrics, sql, transactions
from core.errors import InvalidState, ServiceError, UnprocessableRequest
from core.ids import new_id
from core.metrics import count_after_commit
from payments import money
from payments.models import Payment, PaymentStatus
from payments.rendering import payment_to_v1
from payments.selectors import payment_get
from payments.services import payment_facts, payment_lock, payment_record_refund, speaks_stripe
from refunds.models import Refund, RefundStatus
from refunds.rendering import charge_to_stripe, refund_to_stripe, refund_to_v1
from webhooks_app import events
from webhooks_app.services import events_emit

REFUNDABLE = {PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED}
STRIPE_ID_PREFIX = "re"  # the refunds of PaymentIntents (`pi_…`) have Stripe's ids


def refund_create(
    *,
    account: Account,
    payment_id: str,
    amount: Decimal | None = None,
    reason: str = "",
    metadata: dict | None = None,
    payment_attempt_id: str = "",
) -> Refund:
    """Refund `amount` (major units; default: all that is left) of a settled payment: of
    what it captured (`amount_received_minor`, less than the amount after a partial capture).

    The payment row stays locked until commit, so concurrent refunds queue and each sees
    the balance the previous one left: the sum of refunds can never exceed the payment. A
    test scenario may fail the refund: it is stored `failed` and the balance is untouched.
    """
    scenario = scenarios.take(account=account, operation=scenarios.REFUND_CREATE,
                              facts=lambda: _facts(account, payment_id, amount))
    failed = scenario.decline_code if scenario and scenario.outcome == scenarios.FAIL else ""
    return _create(account=account, payment_id=payment_id, amount=amount, failed=failed,
                   fields=dict(reason=reason, metadata=metadata or {},
                               payment_attempt_id=payment_attempt_id))


def _facts(account: Account, payment_id: str, amount: Decimal | None) -> dict:
    payment = payment_get(account=account, payment_id=payment_id)
    facts = payment_facts(payment)
    if amount is not None:
        facts["amount"] = amount
    else:
        facts["amount"] = money.to_major(payment.refundable_minor, payment.currency)
    return facts


@transactions.atomic  # the hot path: no savepoint inside an idempotent request
def _create(*, account: Account, payment_id: str, amount: Decimal | None, failed: str,
            fields: dict) -> Refund:
    payment = payment_lock(payment_id=payment_id, account=account)
    _check_refundable(payment)
    amount_minor = _refund_minor(payment, amount)
    now = clock.now(account)
    refund = Refund(
        payment=payment, amount_minor=amount_minor, currency=payment.currency,
        status=RefundStatus.FAILED if failed else RefundStatus.COMPLETED,
        failure_reason=failed, created_at=now, updated_at=now, **fields,
    )
    if speaks_stripe(payment):
        refund.public_id = new_id(STRIPE_ID_PREFIX)
    sql.insert([refund])  # the hot path's INSERT, without the ORM's query building
    if failed:
        _emit(refund, events.REFUND_CREATED, events.REFUND_FAILED)
        return refund
    payment_record_refund(payment=payment, amount_minor=amount_minor)
    _emit(refund, events.REFUND_CREATED, events.REFUND_COMPLETED)
    count_after_commit(metrics.REFUNDS, payment.currency)
    return refund


def _emit(refund: Refund, *event_types: str) -> None:
    """The refund's events (a completed one also emits its payment's payment.refunded), in
    one write; for a PaymentIntent's refund also Stripe's refund.created and (completed)
    charge.refunded, with the payment's synthetic Charge."""
    payment = refund.payment
    data = refund_to_v1(refund)
    emitted = [(event_type, data) for event_type in event_types]
    completed = refund.status == RefundStatus.COMPLETED
    if completed:
        emitted.append((events.PAYMENT_REFUNDED, payment_to_v1(payment)))
    events_emit(account=payment.account, events=emitted)
    if speaks_stripe(payment):
        stripe = [(events.STRIPE_REFUND_CREATED, refund_to_stripe(refund))]
        if completed:
            stripe.append((events.STRIPE_CHARGE_REFUNDED, charge_to_stripe(payment)))
        events_emit(account=payment.account, events=stripe, dialect="stripe")


def _check_refundable(payment: Payment) -> None:
    if payment.status == PaymentStatus.REFUNDED:
        raise InvalidState(
            f"Payment '{payment.public_id}' has already been fully refunded.",
            code="already_refunded",
        )
    if payment.status not in REFUNDABLE:
        raise ServiceError(
            f"Payment '{payment.public_id}' cannot be refunded. "
            f"Current status: '{payment.status}'.",
            code="payment_not_refundable",
        )


def _refund_minor(payment: Payment, amount: Decimal | None) -> int:
    """`amount` (major units) in the payment's minor units, within what is left to refund."""
    if amount is None:
        return payment.refundable_minor
    try:
        minor = money.to_minor(amount, money.get_currency(payment.currency))
    except money.MoneyError as exc:
        raise UnprocessableRequest(str(exc), code=exc.code, param="amount") from None
    if minor > payment.refundable_minor:
        remaining = money.format_major(payment.refundable_minor, payment.currency)
        raise UnprocessableRequest(
            f"Refund amount exceeds the remaining refundable balance of {remaining} "
            f"{payment.currency}.",
            code="amount_exceeds_balance",
            param="amount",
        )
    return minor
