"""Refunds under real parallelism: the sum of refunds can never exceed the payment.

Several gunicorn processes on one PostgreSQL; the payment row lock in `refunds.services`
is what serialises them.
"""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from payments.models import Payment
from refunds.models import Refund
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def v1_refund(base: str, payment_id: str) -> requests.Response:
    return requests.post(
        f"{base}/v1/payments/{payment_id}/refund",
        json={"amount": 10.00, "reason": "requested_by_customer"},
        headers={"Authorization": f"Bearer {STANDARD_KEY}",
                 "Idempotency-Key": f"refund-{uuid.uuid4().hex}"},
        timeout=30,
    )


def uqpay_refund(base: str, payment_id: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v2/payment/refunds",
        json={"payment_intent_id": payment_id, "amount": "10.00", "reason": "Return good"},
        headers={"x-auth-token": STANDARD_KEY, "x-client-id": "demo_client_standard",
                 "x-idempotency-key": str(uuid.uuid4())},
        timeout=30,
    )


def test_twenty_parallel_partial_refunds_of_ten_on_a_hundred(completed_payment):
    senders = [v1_refund, uqpay_refund] * 10
    barrier = threading.Barrier(len(senders), timeout=30)

    with run_gunicorn(workers=4) as server:
        def send(sender):
            barrier.wait()
            return sender(server, completed_payment.public_id)

        with ThreadPoolExecutor(max_workers=len(senders)) as pool:
            responses = list(pool.map(send, senders))

    statuses = Counter(r.status_code for r in responses)
    print(f"[20 parallel refunds of 10.00 on 100.00] {dict(sorted(statuses.items()))}")
    succeeded = [r for r in responses if r.status_code in (200, 201)]
    assert len(succeeded) == 10, statuses
    assert set(statuses) - {200, 201} <= {409, 422}, [r.text for r in responses]

    payment = Payment.objects.get(pk=completed_payment.pk)
    refunds = list(Refund.objects.filter(payment=payment).values_list("amount_minor", flat=True))
    assert payment.refunded_minor == 10000
    assert sum(refunds) == 10000 and len(refunds) == 10
    assert payment.status == "refunded"
