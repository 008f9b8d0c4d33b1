"""`expand[]` with the official Python SDK: every field Stripe lets expand answers with the
object it names (nested up to four levels, `data.x` on lists), on retrieves, writes, lists
and searches; a path that names nothing expandable is 400 before anything changes."""

import pytest
import stripe

from payments.models import Payment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jenny(sdk):
    """A customer with a saved card as her default payment method."""
    customer = stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen")
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    return stripe.Customer.modify(customer.id,
                                  invoice_settings={"default_payment_method": card.id})


def test_a_payment_intent_expands_its_customer_method_and_charge(sdk, jenny):
    card = jenny.invoice_settings.default_payment_method
    intent = stripe.PaymentIntent.create(
        amount=2000, currency="usd", customer=jenny.id, payment_method=card, confirm=True,
        expand=["customer", "payment_method", "latest_charge"])
    assert intent.customer.email == "jenny@example.com"
    assert (intent.payment_method.id, intent.payment_method.card.last4) == (card, "4242")
    assert intent.payment_method.customer == jenny.id  # not asked: an id
    assert (intent.latest_charge.object, intent.latest_charge.amount) == ("charge", 2000)

    deep = stripe.PaymentIntent.retrieve(intent.id, expand=[
        "latest_charge.payment_intent.customer",
        "customer.invoice_settings.default_payment_method.customer"])
    assert deep.latest_charge.payment_intent.customer.name == "Jenny Rosen"
    assert deep.customer.invoice_settings.default_payment_method.customer.id == jenny.id
    assert deep.payment_method == card  # not asked: an id


def test_capture_cancel_confirm_and_update_answer_expanded(sdk, jenny):
    held = stripe.PaymentIntent.create(amount=3000, currency="usd", payment_method="pm_card_visa",
                                       confirm=True, capture_method="manual")
    captured = stripe.PaymentIntent.capture(held.id, amount_to_capture=1000,
                                            expand=["latest_charge"])
    assert (captured.latest_charge.captured, captured.latest_charge.amount_captured) == (
        True, 1000)
    waiting = stripe.PaymentIntent.create(amount=500, currency="usd")
    updated = stripe.PaymentIntent.modify(waiting.id, customer=jenny.id, expand=["customer"])
    assert updated.customer.email == "jenny@example.com"
    confirmed = stripe.PaymentIntent.confirm(waiting.id, payment_method="pm_card_mastercard",
                                             expand=["payment_method"])
    assert confirmed.payment_method.card.brand == "mastercard"
    other = stripe.PaymentIntent.create(amount=500, currency="usd", customer=jenny.id)
    canceled = stripe.PaymentIntent.cancel(other.id, expand=["customer"])
    assert (canceled.status, canceled.customer.id) == ("canceled", jenny.id)


def test_refunds_charges_methods_setups_and_customers_expand(sdk, jenny):
    paid = stripe.PaymentIntent.create(amount=2000, currency="usd", customer=jenny.id,
                                       payment_method="pm_card_visa", confirm=True)
    refund = stripe.Refund.create(payment_intent=paid.id, amount=500,
                                  expand=["payment_intent", "charge", "customer"])
    assert (refund.payment_intent.status, refund.payment_intent.amount_received) == (
        "succeeded", 2000)
    assert (refund.charge.id, refund.charge.amount_refunded) == (paid.latest_charge, 500)
    assert refund.customer.id == jenny.id
    assert stripe.Refund.retrieve(
        refund.id, expand=["payment_intent.customer"]).payment_intent.customer.email == (
        "jenny@example.com")

    charge = stripe.Charge.retrieve(paid.latest_charge, expand=[
        "customer", "payment_intent", "balance_transaction", "refunds"])
    assert (charge.customer.id, charge.payment_intent.id) == (jenny.id, paid.id)
    assert charge.balance_transaction is None  # none in the sandbox: it stays null
    assert [r.id for r in charge.refunds.data] == [refund.id]
    assert [r.id for r in charge.refunds.auto_paging_iter()] == [refund.id]

    card = jenny.invoice_settings.default_payment_method
    method = stripe.PaymentMethod.retrieve(card, expand=["customer"])
    assert method.customer.email == "jenny@example.com"
    setup = stripe.SetupIntent.create(customer=jenny.id, payment_method="pm_card_amex",
                                      confirm=True, expand=["customer", "payment_method"])
    assert (setup.customer.id, setup.payment_method.card.brand) == (jenny.id, "amex")
    customer = stripe.Customer.retrieve(
        jenny.id, expand=["invoice_settings.default_payment_method"])
    assert customer.invoice_settings.default_payment_method.card.last4 == "4242"


def test_lists_and_searches_expand_each_object_with_data(sdk, jenny):
    for _ in range(3):
        stripe.PaymentIntent.create(amount=700, currency="usd", customer=jenny.id)
    stripe.PaymentIntent.create(amount=700, currency="usd")  # no customer: stays null
    listed = stripe.PaymentIntent.list(limit=4, expand=["data.customer"])
    assert [i.customer and i.customer.email for i in listed.data] == [
        None, "jenny@example.com", "jenny@example.com", "jenny@example.com"]
    found = stripe.PaymentIntent.search(query=f'customer:"{jenny.id}"',
                                        expand=["data.customer"])
    assert {i.customer.name for i in found.data} == {"Jenny Rosen"}
    methods = stripe.Customer.list_payment_methods(jenny.id, expand=["data.customer"])
    assert [m.customer.id for m in methods.data] == [jenny.id]
    charges = stripe.Charge.list(expand=["data.payment_intent"])
    assert all(c.payment_intent.object == "payment_intent" for c in charges.data)


def test_a_path_that_names_nothing_expandable_is_400_and_changes_nothing(sdk, jenny):
    def refused(call, **kwargs) -> stripe.InvalidRequestError:
        with pytest.raises(stripe.InvalidRequestError) as raised:
            call(**kwargs)
        assert (raised.value.http_status, raised.value.param) == (400, "expand")
        return raised.value

    intent = stripe.PaymentIntent.create(amount=900, currency="usd")
    error = refused(stripe.PaymentIntent.retrieve, id=intent.id, expand=["amount"])
    assert error.user_message == "This property cannot be expanded (amount)."
    error = refused(stripe.PaymentIntent.list, expand=["customer"])
    assert error.user_message == ("This property cannot be expanded (customer). You may want "
                                  "to try expanding 'data.customer' instead.")
    refused(stripe.PaymentIntent.retrieve, id=intent.id, expand=["customer.nothing"])
    refused(stripe.Event.list, expand=["data.data"])  # nothing of an event expands
    error = refused(stripe.PaymentIntent.retrieve, id=intent.id, expand=[
        "latest_charge.payment_intent.latest_charge.payment_intent.customer"])
    assert "more than 4 levels" in error.user_message
    before = Payment.objects.count()
    refused(stripe.PaymentIntent.create, amount=900, currency="usd", expand=["currency"])
    assert Payment.objects.count() == before
