"""Amounts on `/stripe/v1` are integers in the currency's minor units, whatever its digits:
a yen is a unit, a cent is a hundredth."""

from urllib.parse import urlencode

from payments.models import Payment
from refunds.models import Refund
from tests.support.credentials import ADMIN_KEY, client_for

FORM = "application/x-www-form-urlencoded"


def post(path, fields):
    return client_for(ADMIN_KEY).post(path, urlencode(fields), content_type=FORM)


def test_a_yen_refund_of_a_yen_payment_intent_refunds_that_many_yen(demo):
    intent = post("/stripe/v1/payment_intents", {
        "amount": 5000, "currency": "jpy", "payment_method": "pm_card_visa",
        "confirm": "true"}).json()
    assert (intent["amount"], intent["currency"], intent["status"]) == (5000, "jpy", "succeeded")
    refund = post("/stripe/v1/refunds", {"payment_intent": intent["id"], "amount": 1500})
    assert refund.status_code == 200, refund.content
    assert (refund.json()["amount"], refund.json()["currency"]) == (1500, "jpy")
    assert Refund.objects.get().amount_minor == 1500
    payment = Payment.objects.get(public_id=intent["id"])
    assert (payment.refunded_minor, payment.status) == (1500, "partially_refunded")
    v1 = client_for(ADMIN_KEY).get(f"/v1/payments/{intent['id']}").json()
    assert (v1["amount"], v1["refunded_amount"]) == (5000, 1500)  # /v1 shows yen as yen
    rest = post("/stripe/v1/refunds", {"payment_intent": intent["id"]})
    assert rest.json()["amount"] == 3500


def test_a_cent_refund_of_a_dollar_payment_intent(demo):
    intent = post("/stripe/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
        "confirm": "true"}).json()
    refund = post("/stripe/v1/refunds", {"payment_intent": intent["id"], "amount": 1})
    assert refund.json()["amount"] == 1
    v1 = client_for(ADMIN_KEY).get(f"/v1/refunds/{refund.json()['id']}").json()
    assert str(v1["amount"]) == "0.01" and v1["currency"] == "USD"
