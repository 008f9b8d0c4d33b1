"""The `devdraft` client from PyPI (1.0.0), unchanged, against a live server."""

import uuid

import devdraft
import pytest
from devdraft.rest import ApiException

from payments.models import Payment
from refunds.models import Refund
from tests.support.credentials import STANDARD_KEY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payments_api(live_server, demo):
    configuration = devdraft.Configuration(host=live_server.url)
    configuration.api_key["x-client-key"] = "demo_client_standard"
    configuration.api_key["x-client-secret"] = STANDARD_KEY
    with devdraft.ApiClient(configuration) as client:
        yield devdraft.TestPaymentsApi(client)


def test_create_replay_get_refund_and_conflict(payments_api):
    key = uuid.uuid4()
    request = devdraft.PaymentRequestDto(
        amount=100.00, currency="USD", description="Test payment for order #12345",
        customerId="cus_12345",
    )
    created = payments_api.test_payment_controller_create_payment_v0(key, request)
    assert created.status == "succeeded" and created.amount == 100.0

    replayed = payments_api.test_payment_controller_create_payment_v0(key, request)
    assert replayed.id == created.id and replayed.timestamp == created.timestamp
    assert Payment.objects.count() == 1

    fetched = payments_api.test_payment_controller_get_payment_v0(created.id)
    assert fetched.id == created.id and fetched.currency == "USD"

    refund = payments_api.test_payment_controller_refund_payment_v0(created.id, uuid.uuid4())
    assert refund.payment_id == created.id and refund.amount == 100.0
    assert refund.status == "succeeded"
    assert Refund.objects.get().public_id == refund.id

    changed = devdraft.PaymentRequestDto(amount=101.00, currency="USD", description="changed")
    with pytest.raises(ApiException) as excinfo:
        payments_api.test_payment_controller_create_payment_v0(key, changed)
    assert excinfo.value.status == 409
    assert "Idempotency key already used with different request data" in excinfo.value.body
