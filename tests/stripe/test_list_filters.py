"""The filters of Stripe's lists with the official Python SDK: `created` (exact, or `gt`,
`gte`, `lt`, `lte`) on every list that has it, the ids and e-mail a list is narrowed to, and
Stripe's refusals of anything else."""

from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

from payments.models import Charge, Customer, Payment, Setup
from refunds.models import Refund
from webhooks_app.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

DAY = 86400


def days_ago(model, object_id: str, days: int) -> int:
    """Backdate an object by `days`; its `created` (Unix seconds) as Stripe shows it."""
    moment = timezone.now().replace(microsecond=0) - timedelta(days=days)
    model.objects.filter(public_id=object_id).update(created_at=moment)
    return int(moment.timestamp())


def ids(listed) -> list[str]:
    return [obj.id for obj in listed.auto_paging_iter()]


def test_created_narrows_every_list_that_has_it(sdk):
    customer = stripe.Customer.create(email="old@example.com")
    old_intent = stripe.PaymentIntent.create(amount=1000, currency="usd", customer=customer.id,
                                             payment_method="pm_card_visa", confirm=True)
    old_refund = stripe.Refund.create(payment_intent=old_intent.id, amount=100)
    old_setup = stripe.SetupIntent.create(customer=customer.id)
    old_event = stripe.Event.list(limit=1).data[0]
    then = days_ago(Customer, customer.id, 3)
    for model, object_id in ((Payment, old_intent.id), (Charge, old_intent.latest_charge),
                             (Refund, old_refund.id), (Setup, old_setup.id),
                             (Event, old_event.id)):
        days_ago(model, object_id, 3)

    new_customer = stripe.Customer.create(email="new@example.com")
    new_intent = stripe.PaymentIntent.create(amount=1000, currency="usd",
                                             payment_method="pm_card_visa", confirm=True)
    new_refund = stripe.Refund.create(payment_intent=new_intent.id, amount=100)
    new_setup = stripe.SetupIntent.create(customer=new_customer.id)

    since = {"gte": then + DAY}
    assert ids(stripe.Customer.list(created=since)) == [new_customer.id]
    assert ids(stripe.PaymentIntent.list(created=since)) == [new_intent.id]
    assert ids(stripe.Charge.list(created=since)) == [new_intent.latest_charge]
    assert ids(stripe.Refund.list(created=since)) == [new_refund.id]
    assert ids(stripe.SetupIntent.list(created=since)) == [new_setup.id]
    assert old_event.id not in ids(stripe.Event.list(created=since))

    assert ids(stripe.Customer.list(created=then)) == [customer.id]  # that very second
    assert ids(stripe.PaymentIntent.list(created={"lt": then + DAY})) == [old_intent.id]
    assert ids(stripe.Charge.list(created={"lte": then})) == [old_intent.latest_charge]
    assert ids(stripe.Refund.list(created={"gt": then - 1, "lt": then + 1})) == [old_refund.id]
    assert ids(stripe.SetupIntent.list(created={"lte": then})) == [old_setup.id]
    assert ids(stripe.Event.list(created={"lte": then})) == [old_event.id]
    assert ids(stripe.Customer.list(created={"gt": then})) == [new_customer.id]


def test_lists_narrow_to_the_ids_and_email_named(sdk):
    jenny = stripe.Customer.create(email="jenny@example.com")
    stripe.Customer.create(email="other@example.com")
    mine = stripe.PaymentIntent.create(amount=1500, currency="usd", customer=jenny.id,
                                       payment_method="pm_card_visa", confirm=True)
    other = stripe.PaymentIntent.create(amount=1500, currency="usd",
                                        payment_method="pm_card_visa", confirm=True)
    refund = stripe.Refund.create(payment_intent=mine.id, amount=200)
    stripe.Refund.create(payment_intent=other.id, amount=200)
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=jenny.id)
    setup = stripe.SetupIntent.create(customer=jenny.id, payment_method="pm_card_amex")

    assert ids(stripe.Customer.list(email="jenny@example.com")) == [jenny.id]
    assert ids(stripe.PaymentIntent.list(customer=jenny.id)) == [mine.id]
    assert ids(stripe.Charge.list(customer=jenny.id)) == [mine.latest_charge]
    assert ids(stripe.Charge.list(payment_intent=other.id)) == [other.latest_charge]
    assert ids(stripe.Refund.list(payment_intent=mine.id)) == [refund.id]
    assert ids(stripe.Refund.list(charge=mine.latest_charge)) == [refund.id]
    assert ids(stripe.PaymentMethod.list(customer=jenny.id, type="card")) == [card.id]
    assert ids(stripe.Customer.list_payment_methods(jenny.id, limit=1)) == [card.id]
    assert ids(stripe.SetupIntent.list(customer=jenny.id)) == [setup.id]
    assert ids(stripe.SetupIntent.list(payment_method="pm_card_amex")) == [setup.id]
    assert ids(stripe.Customer.list(email="nobody@example.com")) == []
    types = {event.type for event in stripe.Event.list(types=["customer.created",
                                                              "charge.succeeded"]).data}
    assert types == {"customer.created", "charge.succeeded"}


@pytest.mark.parametrize("call, code, param", [
    (lambda: stripe.Customer.list(colour="blue"), "parameter_unknown", "colour"),
    (lambda: stripe.Charge.list(created={"after": 5}), "parameter_unknown", "created[after]"),
    (lambda: stripe.Refund.list(created={"gte": "yesterday"}), "parameter_invalid_integer",
     "created[gte]"),
    (lambda: stripe.PaymentIntent.list(created="-1"), "parameter_invalid_integer", "created"),
    (lambda: stripe.PaymentIntent.list(customer=""), "parameter_invalid_empty", "customer"),
    (lambda: stripe.WebhookEndpoint.list(created={"gte": 1}), "parameter_unknown", "created"),
], ids=["unknown", "unknown-range", "not-an-integer", "negative", "empty", "no-such-filter"])
def test_what_a_list_does_not_take_is_refused_as_stripe_does(sdk, call, code, param):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        call()
    assert (raised.value.http_status, raised.value.code, raised.value.param) == (
        400, code, param)
