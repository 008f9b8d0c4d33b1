"""The test factories (tests/support/factories.py) make what their docstrings promise, so a
test that uses one can rely on its defaults."""

from accounts.models import ApiKey
from tests.support.credentials import client_for
from tests.support.factories import (
    make_account,
    make_api_key,
    make_authorized_payment,
    make_customer,
    make_endpoint,
    make_payment,
    make_refund,
    make_stripe_payment,
)
from webhooks_app.models import Event


def test_an_account_and_a_key_that_works_on_v1(db):
    account = make_account()
    key, secret = make_api_key(account, ["payments:read"])
    assert ApiKey.objects.get(pk=key.pk).account == account and key.is_active
    listed = client_for(secret).get("/v1/payments")
    assert (listed.status_code, listed.json()["total_count"]) == (200, 0)
    assert make_api_key(account).key.scopes == [
        "payments:read", "payments:write", "refunds:write", "webhooks:manage", "api:admin"]


def test_payments_through_v1_and_through_stripe(db):
    account = make_account()
    completed = make_payment(account)
    assert (completed.public_id[:4], completed.status, completed.amount_minor,
            completed.currency, completed.origin) == ("pay_", "completed", 10000, "USD", "v1")
    assert make_payment(account, payment_method="bank_transfer").status == "pending"
    assert make_payment(account, 1300).status == "failed"  # the 13.00 amount trigger
    intent = make_stripe_payment(account, 2000)
    assert (intent.public_id[:3], intent.status, intent.payment_method_id, intent.origin) == (
        "pi_", "requires_confirmation", "pm_card_visa", "stripe")
    held = make_authorized_payment(account)
    assert (held.status, held.amount_received_minor) == ("authorized", 0)


def test_refunds_take_what_is_left_unless_told(db):
    payment = make_payment(make_account())
    assert make_refund(payment, 2500).amount_minor == 2500
    assert make_refund(payment).amount_minor == 7500


def test_endpoints_of_either_format_and_customers_emit_their_events(db):
    account = make_account()
    v1 = make_endpoint(account)
    stripe = make_endpoint(account, format="stripe")
    assert (v1.format, v1.events, v1.public_id[:3]) == ("v1", ["*"], "we_")
    assert stripe.format == "stripe"
    account.refresh_from_db()
    assert account.has_webhook_endpoints
    customer = make_customer(account)
    assert customer.public_id.startswith("cus_") and customer.email
    assert Event.objects.filter(account=account, type="customer.created").exists()
