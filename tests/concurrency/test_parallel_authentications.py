"""Ten browsers press Complete authentication on one page at once, on several gunicorn
processes and one PostgreSQL: the payment is charged once (its row, then the
authentication's, locked by the one decision), and every browser is sent back as the first
decision says."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.formats import Format
from payments import services
from payments.models import Charge, Payment
from payments.pages.links import authentication_url
from tests.support.live_server import run_gunicorn
from tests.support.pages import PageVisitor

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: gunicorn workers share the test database"),
    pytest.mark.django_db(transaction=True),
]


def test_ten_parallel_completions_charge_once(demo):
    with run_gunicorn(workers=4) as server:
        payment = services.payment_open(
            account=demo, amount_minor=2000, currency="USD", origin=Format.STRIPE,
            payment_method_id="pm_card_threeDSecure2Required", confirm=True,
            authenticate_at=server, return_url="https://shop.example/back")
        url = authentication_url(payment.pending_authentication)
        browsers = [PageVisitor() for _ in range(10)]
        for browser in browsers:
            assert browser.open(url).status_code == 200
        barrier = threading.Barrier(len(browsers), timeout=30)

        def complete(browser):
            barrier.wait()
            return browser.press("Complete authentication")

        with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
            answers = list(pool.map(complete, browsers))
    assert {answer.status_code for answer in answers} == {303}
    assert {answer.headers["Location"].rsplit("&", 1)[1] for answer in answers} == {
        "redirect_status=succeeded"}
    assert Payment.objects.get(pk=payment.pk).status == "completed"
    assert Charge.objects.filter(payment=payment).count() == 1
