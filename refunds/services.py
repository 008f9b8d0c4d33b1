"""Refund operations: the only code that creates refunds."""

from decimal import Decimal

from accounts import scenarios
from accounts.models import Account
from core import clock, metrics, sql
from core.errors import InvalidState, ServiceError, UnprocessableRequest
from core.ids import id_for
from core.metrics import count_after_commit
from core.transactions import service_transaction
from payments import money
from payments.models import ChargeStatus, Payment, PaymentStatus
from payments.selectors import charge_get, payment_get
from payments.services import payment_facts, payment_lock, payment_record_refund
from refunds.models import REFUND_ID_PREFIX, Refund, RefundStatus
from webhooks_app import events
from webhooks_app.services import events_emit

REFUNDABLE = {PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED}


def refund_create(
    *,
    account: Account,
    payment_id: str,
    amount: Decimal | None = None,
    amount_minor: int | None = None,
    reason: str = "",
    metadata: dict | None = None,
    payment_attempt_id: str = "",
) -> Refund:
    """Refund `amount` (major units) or `amount_minor` (default: all that is left) of a
    settled payment: of what it captured (`amount_received_minor`, less than the amount
    after a partial capture). Its id follows its payment's origin (`core.ids.id_for`).

    The payment row stays locked until commit, so concurrent refunds queue and each sees
    the balance the previous one left: the sum of refunds can never exceed the payment. A
    test scenario may fail the refund: it is stored `failed` and the balance is untouched.
    """
    scenario = scenarios.take(account=account, operation=scenarios.REFUND_CREATE,
                              facts=lambda: _facts(account, payment_id, amount, amount_minor))
    failed = scenario.decline_code if scenario and scenario.outcome == scenarios.FAIL else ""
    return _create(account=account, payment_id=payment_id, amount=amount,
                   amount_minor=amount_minor, failed=failed,
                   fields=dict(reason=reason, metadata=metadata or {},
                               payment_attempt_id=payment_attempt_id))


def _facts(account: Account, payment_id: str, amount: Decimal | None,
           amount_minor: int | None) -> dict:
    payment = payment_get(account=account, payment_id=payment_id)
    facts = payment_facts(payment)
    if amount is not None:
        facts["amount"] = amount
    else:
        minor = payment.refundable_minor if amount_minor is None else amount_minor
        facts["amount"] = money.to_major(minor, payment.currency)
    return facts


@service_transaction
def _create(*, account: Account, payment_id: str, amount: Decimal | None,
            amount_minor: int | None, failed: str, fields: dict) -> Refund:
    payment = payment_lock(payment_id=payment_id, account=account)
    _check_refundable(payment)
    amount_minor = _refund_minor(payment, amount, amount_minor)
    now = clock.now(account)
    refund = Refund(
        public_id=id_for("refund", payment.origin, default=REFUND_ID_PREFIX),
        payment=payment, amount_minor=amount_minor, currency=payment.currency,
        status=RefundStatus.FAILED if failed else RefundStatus.COMPLETED,
        failure_reason=failed, created_at=now, updated_at=now, **fields,
    )
    sql.insert([refund])  # the hot path's INSERT, without the ORM's query building
    if failed:
        _emit(refund, events.REFUND_CREATED, events.REFUND_FAILED)
        return refund
    payment_record_refund(payment=payment, amount_minor=amount_minor)
    _emit(refund, events.REFUND_CREATED, events.REFUND_COMPLETED)
    count_after_commit(metrics.REFUNDS, payment.currency)
    return refund


def _emit(refund: Refund, *event_types: str) -> None:
    """The refund's domain events, in one write (each format renders its own: a completed
    refund is also news of its payment)."""
    events_emit(account=refund.payment.account, events=[(t, refund) for t in event_types])


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


def _refund_minor(payment: Payment, amount: Decimal | None, amount_minor: int | None) -> int:
    """The refund in the payment's minor units (from `amount`, major units, if given), within
    what is left to refund."""
    if amount is None and amount_minor is None:
        return payment.refundable_minor
    minor = amount_minor
    if amount is not None:
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


def refund_payment_of_charge(*, account: Account, charge_id: str) -> str:
    """The payment whose charge `charge_id` is, when refunds can draw on that charge (the
    payment's approved charge); UnprocessableRequest for a declined or superseded one."""
    charge = charge_get(account=account, charge_id=charge_id)
    if charge.status != ChargeStatus.SUCCEEDED or (
            charge.public_id != charge.payment.latest_charge_id):
        raise UnprocessableRequest(
            f"Charge '{charge_id}' was declined: there is nothing to refund on it.",
            code="charge_not_refundable", param="charge_id")
    return charge.payment.public_id
