from decimal import Decimal

import pytest

from core.errors import InvalidState, NotFound, ServiceError, UnprocessableRequest
from payments import services as payment_services
from payments.models import Payment, PaymentStatus
from refunds.models import Refund
from refunds.services import refund_create
from tests.support.factories import make_account, make_payment


def refund(account, payment, amount=None, **kwargs):
    return refund_create(account=account, payment_id=payment.public_id, amount=amount, **kwargs)


def test_default_refunds_the_whole_remaining_balance(demo, completed_payment):
    made = refund(demo, completed_payment)
    assert made.amount_minor == 10000 and made.currency == "USD" and made.status == "completed"
    payment = Payment.objects.get(pk=completed_payment.pk)
    assert (payment.status, payment.refunded_minor) == (PaymentStatus.REFUNDED, 10000)


def test_partial_refunds_add_up_and_the_last_one_completes_it(demo, completed_payment):
    refund(demo, completed_payment, Decimal("30.00"))
    payment = Payment.objects.get(pk=completed_payment.pk)
    assert (payment.status, payment.refunded_minor) == (PaymentStatus.PARTIALLY_REFUNDED, 3000)
    refund(demo, completed_payment, Decimal("20.5"))
    rest = refund(demo, completed_payment)
    assert rest.amount_minor == 10000 - 3000 - 2050
    payment = Payment.objects.get(pk=completed_payment.pk)
    assert payment.status == PaymentStatus.REFUNDED
    assert sum(Refund.objects.values_list("amount_minor", flat=True)) == payment.amount_minor


def test_fully_refunded_is_409(demo, completed_payment):
    refund(demo, completed_payment)
    with pytest.raises(InvalidState):
        refund(demo, completed_payment, Decimal("1.00"))


def test_over_the_remaining_balance_is_422_and_changes_nothing(demo, completed_payment):
    refund(demo, completed_payment, Decimal("60.00"))
    with pytest.raises(UnprocessableRequest) as excinfo:
        refund(demo, completed_payment, Decimal("40.01"))
    assert "40.00 USD" in str(excinfo.value)
    assert Refund.objects.count() == 1
    assert Payment.objects.get(pk=completed_payment.pk).refunded_minor == 6000


@pytest.mark.parametrize("amount", ["0", "-5", "10.001"])
def test_zero_negative_and_over_precise_are_422(demo, completed_payment, amount):
    with pytest.raises(UnprocessableRequest):
        refund(demo, completed_payment, Decimal(amount))
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status"),
    [({"amount_minor": 1300}, PaymentStatus.FAILED),
     ({"payment_method": "bank_transfer"}, PaymentStatus.PENDING)],
)
def test_payments_that_are_not_completed_cannot_be_refunded(demo, overrides, status):
    payment = make_payment(demo, **{"amount_minor": 5000, **overrides})
    assert payment.status == status
    with pytest.raises(ServiceError) as excinfo:
        refund(demo, payment)
    assert excinfo.value.status == 400
    assert f"Current status: '{status}'" in str(excinfo.value)


def test_cancelled_payment_cannot_be_refunded(demo):
    payment = make_payment(demo, 5000, "EUR", payment_method="crypto")
    payment_services.payment_cancel(account=demo, payment_id=payment.public_id)
    with pytest.raises(ServiceError) as excinfo:
        refund(demo, payment)
    assert excinfo.value.status == 400


def test_unknown_and_foreign_payments_are_not_found(demo, completed_payment):
    with pytest.raises(NotFound):
        refund_create(account=demo, payment_id="pay_nope")
    with pytest.raises(NotFound):
        refund(make_account(), completed_payment)


def test_jpy_refunds_in_whole_yen(demo):
    payment = make_payment(demo, 1500, "JPY")
    assert refund(demo, payment, Decimal("500")).amount_minor == 500
    with pytest.raises(UnprocessableRequest):
        refund(demo, payment, Decimal("0.5"))
