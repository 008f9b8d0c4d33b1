"""One rendering of a payment (and of a refund) for `/v1` and for event payloads, byte for
byte: the API response, the stored event's `data.object` and a pinned expected text agree,
across statuses, a zero-decimal and a two-decimal currency, refunds, cancels and declines."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from api.json import dumps
from payments import services
from payments.api.v1.rendering import payment_to_v1
from payments.models import Payment
from refunds.api.v1.rendering import refund_to_v1
from refunds.models import Refund
from refunds.services import refund_create
from webhooks_app.models import Event

OBJECT = b'"data":{"object":'


def event_object(object_id: str) -> bytes:
    """The exact bytes of `data.object` in the newest event about `object_id`."""
    payload = Event.objects.filter(object_id=object_id).order_by("-id").first().payload.encode()
    start = payload.index(OBJECT) + len(OBJECT)
    assert payload.endswith(b"}}")
    return payload[start:-2]


def make(demo, **fields) -> Payment:
    return services.payment_create(
        account=demo, description="Order #7", customer_email="a@example.com",
        **{"amount_minor": 4999, "currency": "USD", **fields})


def completed_usd(demo):
    return make(demo)


def completed_jpy(demo):
    return make(demo, amount_minor=1500, currency="JPY", metadata={"order_id": "7"})


def declined(demo):
    return make(demo, amount_minor=11300)


def pending(demo):
    return make(demo, currency="EUR", payment_method="bank_transfer")


def cancelled(demo):
    payment = pending(demo)
    return services.payment_cancel(account=demo, payment_id=payment.public_id, reason="dup")


def partially_refunded_jpy(demo):
    payment = completed_jpy(demo)
    return refund_create(account=demo, payment_id=payment.public_id,
                         amount=Decimal("500")).payment


def refunded_usd(demo):
    payment = completed_usd(demo)
    return refund_create(account=demo, payment_id=payment.public_id).payment


@pytest.mark.parametrize("build", [completed_usd, completed_jpy, declined, pending, cancelled,
                                   partially_refunded_jpy, refunded_usd])
def test_api_and_event_payload_render_a_payment_identically(api, demo, build):
    payment = build(demo)
    response = api.get(f"/v1/payments/{payment.public_id}")
    assert response.status_code == 200
    assert response.content == dumps(payment_to_v1(Payment.objects.get(pk=payment.pk)))
    assert response.content == event_object(payment.public_id)


@pytest.mark.parametrize("currency, amount", [("USD", Decimal("12.50")), ("JPY", None)])
def test_api_and_event_payload_render_a_refund_identically(api, demo, currency, amount):
    payment = make(demo, currency=currency, amount_minor=5000)
    refund = refund_create(account=demo, payment_id=payment.public_id, amount=amount)
    response = api.get(f"/v1/refunds/{refund.public_id}")
    assert response.content == dumps(refund_to_v1(Refund.objects.get(pk=refund.pk)))
    assert response.content == event_object(refund.public_id)


AT = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


def test_the_payment_rendering_is_pinned():
    payment = Payment(
        public_id="pay_0123456789abcdef01234567", amount_minor=150000, currency="JPY",
        description="Order #7", customer_email="", payment_method="card",
        payment_method_id="pm_test_success", metadata={"order_id": "7"},
        status="partially_refunded", created_at=AT, updated_at=AT, idempotency_key="k-123456",
        failure_reason="", refunded_minor=500, cancelled_at=None, cancellation_reason="",
    )
    assert dumps(payment_to_v1(payment)) == (
        b'{"id":"pay_0123456789abcdef01234567","object":"payment","amount":150000,'
        b'"currency":"JPY","description":"Order #7","customer_email":null,'
        b'"payment_method":"card","payment_method_id":"pm_test_success",'
        b'"metadata":{"order_id":"7"},"status":"partially_refunded",'
        b'"created_at":"2025-01-15T10:30:00.000000+00:00",'
        b'"updated_at":"2025-01-15T10:30:00.000000+00:00","idempotency_key":"k-123456",'
        b'"failure_reason":null,"refunded_amount":500,"cancelled_at":null,'
        b'"cancellation_reason":null,"livemode":false}'
    )
    payment.currency, payment.amount_minor, payment.status = "USD", 4990, "cancelled"
    payment.refunded_minor, payment.cancelled_at = 0, AT
    assert b'"amount":49.90,' in dumps(payment_to_v1(payment))
    assert b'"refunded_amount":0.00,' in dumps(payment_to_v1(payment))
    assert b'"cancelled_at":"2025-01-15T10:30:00.000000+00:00"' in dumps(payment_to_v1(payment))


def test_the_refund_rendering_is_pinned():
    payment = Payment(public_id="pay_0123456789abcdef01234567", currency="EUR")
    refund = Refund(
        public_id="ref_0123456789abcdef01234567", payment=payment, amount_minor=1250,
        currency="EUR", reason="", status="failed", failure_reason="card_declined",
        metadata={}, created_at=AT, updated_at=AT,
    )
    assert dumps(refund_to_v1(refund)) == (
        b'{"id":"ref_0123456789abcdef01234567","object":"refund",'
        b'"payment_id":"pay_0123456789abcdef01234567","amount":12.50,"currency":"EUR",'
        b'"reason":null,"status":"failed","created_at":"2025-01-15T10:30:00.000000+00:00",'
        b'"updated_at":"2025-01-15T10:30:00.000000+00:00","failure_reason":"card_declined",'
        b'"metadata":{}}'
    )
