"""The official Stripe SDK against several gunicorn processes on one PostgreSQL: 20 parallel
identical creates with one idempotency key make one PaymentIntent."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe
from django.db import connection

from payments.models import Payment
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: gunicorn workers share the test database"),
    pytest.mark.django_db(transaction=True),
]


def test_twenty_parallel_sdk_creates_with_one_key_make_one_payment_intent(demo, monkeypatch):
    key = f"order-{uuid.uuid4()}"
    with run_gunicorn(workers=4) as server:
        monkeypatch.setattr(stripe, "api_key", STANDARD_KEY)
        monkeypatch.setattr(stripe, "api_base", server + "/stripe")
        # The SDK retries a 409 `idempotency_key_in_use` with the same key, as against
        # Stripe: the retry then gets the first request's stored answer.
        monkeypatch.setattr(stripe, "max_network_retries", 8)

        def create(_index):
            try:
                return stripe.PaymentIntent.create(
                    amount=2000, currency="usd", payment_method="pm_card_visa", confirm=True,
                    idempotency_key=key)
            except stripe.APIError as error:  # still in use after every retry
                return error

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(create, range(20)))
    intents = [o for o in outcomes if not isinstance(o, Exception)]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert intents, errors
    assert {intent.id for intent in intents} == {intents[0].id}
    assert all(error.http_status == 409 for error in errors), errors
    assert Payment.objects.filter(public_id__startswith="pi_").count() == 1
    assert Payment.objects.get().status == "completed"
