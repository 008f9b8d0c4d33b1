"""Another account's refunds do not exist for this account, on any surface."""

import uuid

from tests.support.credentials import ADMIN_KEY, client_for, uqpay_client
from tests.support.errors import stripe_error, uqpay_error, v1_error
from tests.support.factories import make_account, make_payment, make_refund, make_stripe_payment


def test_another_accounts_refund_is_404_everywhere_and_never_listed(demo):
    other = make_account()
    theirs = make_refund(make_payment(other))
    their_intent = make_stripe_payment(other, confirm=True)
    their_stripe_refund = make_refund(their_intent)
    ours = client_for(ADMIN_KEY)
    v1_error(ours.get(f"/v1/refunds/{theirs.public_id}"), 404, param="refund_id")
    v1_error(ours.get(f"/v1/payments/{theirs.payment.public_id}/refunds"), 404,
             param="payment_id")
    uqpay_error(uqpay_client().get(f"/api/v2/payment/refunds/{theirs.public_id}"), 404)
    stripe_error(ours.get(f"/stripe/v1/refunds/{their_stripe_refund.public_id}"), 404,
                 code="resource_missing")
    listed = ours.get("/stripe/v1/refunds", {"payment_intent": their_intent.public_id}).json()
    assert listed["data"] == []
    assert ours.get("/stripe/v1/refunds").json()["data"] == []


def test_another_accounts_payment_cannot_be_refunded(demo):
    theirs = make_payment(make_account())
    ours = client_for(ADMIN_KEY)
    response = ours.post(f"/v1/payments/{theirs.public_id}/refund", {}, format="json",
                         headers={"Idempotency-Key": uuid.uuid4().hex})
    v1_error(response, 404, param="payment_id")
    assert not theirs.refunds.exists()
