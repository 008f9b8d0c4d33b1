"""Stripe in depth with the official Python SDK: the quickstart's PaymentIntent, a Charge per
confirmation, PaymentMethods from test cards and tokens, saving a card with a SetupIntent and
charging it later off session."""

import pytest
import stripe

from payments.models import Card, Charge

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_quickstart_payment_intent_keeps_what_real_integrations_send(sdk):
    intent = stripe.PaymentIntent.create(
        amount=1099, currency="usd", automatic_payment_methods={"enabled": True},
        return_url="https://shop.example/return", statement_descriptor="SANDBOX SHOP",
        statement_descriptor_suffix="ORDER 42", setup_future_usage="off_session",
        capture_method="automatic_async", receipt_email="jenny@example.com",
        payment_method_options={"card": {"request_three_d_secure": "any"}},
        mandate_data={"customer_acceptance": {"type": "online"}},
        shipping={"name": "Jenny Rosen", "address": {"line1": "1 Main St", "city": "Paris",
                                                      "country": "FR"}})
    assert intent.status == "requires_payment_method"
    assert intent.automatic_payment_methods.enabled is True
    assert intent.automatic_payment_methods.allow_redirects == "always"
    assert (intent.capture_method, intent.setup_future_usage) == ("automatic_async",
                                                                  "off_session")
    assert (intent.statement_descriptor, intent.statement_descriptor_suffix) == (
        "SANDBOX SHOP", "ORDER 42")
    assert intent.shipping.address.city == "Paris" and intent.shipping.carrier is None
    assert intent.payment_method_options.card.request_three_d_secure == "any"
    assert intent.latest_charge is None
    # Kept: a later retrieve says the same.
    again = stripe.PaymentIntent.retrieve(intent.id)
    assert (again.capture_method, again.shipping.name) == ("automatic_async", "Jenny Rosen")


def test_a_parameter_stripe_does_not_have_is_refused_in_body_and_query(sdk):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentIntent.create(amount=1099, currency="usd", colour="blue")
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "colour")
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentIntent.create(amount=1099, currency="usd",
                                    shipping={"name": "J", "address": {"planet": "Mars"}})
    assert raised.value.code == "parameter_unknown"


def test_each_confirmation_makes_a_charge_with_its_events(sdk, delivered):
    received = delivered("charge.succeeded", "charge.failed")
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(amount=2000, currency="usd", confirm=True,
                                    payment_method="pm_card_chargeDeclined")
    declined = raised.value.error.payment_intent
    failed_charge = stripe.Charge.retrieve(declined.latest_charge)
    assert (failed_charge.status, failed_charge.failure_code, failed_charge.paid) == (
        "failed", "card_declined", False)
    assert declined.last_payment_error.payment_method.card.last4 == "0002"
    paid = stripe.PaymentIntent.confirm(declined.id, payment_method="pm_card_visa")
    charge = stripe.Charge.retrieve(paid.latest_charge)
    assert charge.id != failed_charge.id
    assert (charge.status, charge.captured, charge.amount_captured, charge.payment_intent) == (
        "succeeded", True, 2000, paid.id)
    assert (charge.payment_method_details.card.brand,
            charge.payment_method_details.card.last4) == ("visa", "4242")
    listed = stripe.Charge.list(payment_intent=paid.id)
    assert [c.id for c in listed.data] == [charge.id, failed_charge.id]
    events = received()
    assert [(e.type, e.data.object.id) for e in events] == [
        ("charge.failed", failed_charge.id), ("charge.succeeded", charge.id)]


def test_capture_and_refunds_name_their_charge(sdk):
    authorized = stripe.PaymentIntent.create(amount=3000, currency="usd", confirm=True,
                                             payment_method="pm_card_visa",
                                             capture_method="manual")
    charge = stripe.Charge.retrieve(authorized.latest_charge)
    assert (charge.captured, charge.amount_captured) == (False, 0)
    stripe.PaymentIntent.capture(authorized.id, amount_to_capture=2500)
    charge = stripe.Charge.retrieve(authorized.latest_charge)
    assert (charge.captured, charge.amount_captured) == (True, 2500)
    refund = stripe.Refund.create(charge=charge.id, amount=500)
    assert (refund.charge, refund.payment_intent) == (charge.id, authorized.id)
    charge = stripe.Charge.retrieve(charge.id)
    assert (charge.amount_refunded, charge.refunded) == (500, False)
    updated = stripe.Charge.modify(charge.id, metadata={"shipped": "yes"})
    assert updated.metadata["shipped"] == "yes"


def test_payment_methods_from_tokens_and_numbers_attach_list_and_detach(sdk, delivered):
    received = delivered("payment_method.attached", "payment_method.detached")
    customer = stripe.Customer.create(email="jenny@example.com")
    from_token = stripe.PaymentMethod.create(type="card", card={"token": "tok_mastercard"})
    from_number = stripe.PaymentMethod.create(
        type="card", card={"number": "4242424242424242", "exp_month": 12, "exp_year": 2040,
                           "cvc": "123"}, billing_details={"name": "Jenny Rosen"})
    assert (from_token.card.brand, from_token.card.last4, from_token.customer) == (
        "mastercard", "4444", None)
    assert (from_number.card.exp_year, from_number.billing_details.name) == (2040, "Jenny Rosen")
    assert from_number.card.fingerprint == stripe.PaymentMethod.create(
        type="card", card={"token": "tok_visa"}).card.fingerprint
    attached = stripe.PaymentMethod.attach(from_number.id, customer=customer.id)
    assert attached.customer == customer.id
    # A test payment method id attaches as a new saved card of the customer.
    saved = stripe.PaymentMethod.attach("pm_card_amex", customer=customer.id)
    assert saved.id != "pm_card_amex" and saved.card.brand == "amex"
    listed = stripe.Customer.list_payment_methods(customer.id)
    assert [m.id for m in listed.data] == [saved.id, from_number.id]
    assert [m.id for m in stripe.PaymentMethod.list(customer=customer.id, type="card")] == [
        saved.id, from_number.id]
    detached = stripe.PaymentMethod.detach(saved.id)
    assert detached.customer is None
    assert [m.id for m in stripe.Customer.list_payment_methods(customer.id)] == [from_number.id]
    assert [e.type for e in received()] == ["payment_method.attached"] * 2 + [
        "payment_method.detached"]


def test_a_declining_card_is_not_saved(sdk):
    customer = stripe.Customer.create()
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentMethod.attach("pm_card_chargeDeclinedInsufficientFunds",
                                    customer=customer.id)
    assert (raised.value.code, raised.value.error.decline_code) == ("card_declined",
                                                                    "insufficient_funds")
    assert not Card.objects.filter(customer__public_id=customer.id).exists()
    # ...except the card that attaches and fails only when it is charged.
    saved = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=customer.id)
    with pytest.raises(stripe.CardError):
        stripe.PaymentIntent.create(amount=1000, currency="usd", customer=customer.id,
                                    payment_method=saved.id, off_session=True, confirm=True)


def test_unknown_card_numbers_and_tokens_are_refused(sdk):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentMethod.create(type="card", card={"number": "4111111111111112",
                                                       "exp_month": 1, "exp_year": 2040})
    assert raised.value.code == "incorrect_number"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PaymentMethod.create(type="card", card={"token": "tok_nope"})
    assert raised.value.code == "resource_missing"


def test_save_a_card_with_a_setup_intent_then_charge_it_off_session(sdk, delivered):
    received = delivered("setup_intent.succeeded", "setup_intent.created",
                         "payment_intent.succeeded", "charge.succeeded")
    customer = stripe.Customer.create(email="jenny@example.com")
    setup = stripe.SetupIntent.create(customer=customer.id,
                                      automatic_payment_methods={"enabled": True})
    assert (setup.status, setup.usage) == ("requires_payment_method", "off_session")
    setup = stripe.SetupIntent.confirm(setup.id, payment_method="pm_card_visa",
                                       return_url="https://shop.example/saved")
    assert setup.status == "succeeded" and setup.payment_method.startswith("pm_")
    [saved] = stripe.Customer.list_payment_methods(customer.id).data
    assert saved.id == setup.payment_method
    stripe.Customer.modify(customer.id,
                           invoice_settings={"default_payment_method": saved.id})
    assert stripe.Customer.retrieve(customer.id).invoice_settings.default_payment_method == (
        saved.id)
    later = stripe.PaymentIntent.create(amount=4200, currency="usd", customer=customer.id,
                                        payment_method=saved.id, off_session=True,
                                        confirm=True)
    assert later.status == "succeeded"
    assert Charge.objects.get(public_id=later.latest_charge).method_id == saved.id
    assert [e.type for e in received()] == ["setup_intent.created", "setup_intent.succeeded",
                                            "charge.succeeded", "payment_intent.succeeded"]


def test_authentication_required_cards_decline_off_session(sdk):
    customer = stripe.Customer.create()
    saved = stripe.PaymentMethod.attach("pm_card_authenticationRequired",
                                        customer=customer.id)
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(amount=1000, currency="usd", customer=customer.id,
                                    payment_method=saved.id, off_session=True, confirm=True)
    error = raised.value
    assert (error.code, error.error.decline_code) == ("authentication_required",
                                                      "authentication_required")
    assert error.error.payment_intent.status == "requires_payment_method"
    assert error.error.payment_method.id == saved.id


def test_a_setup_that_is_declined_waits_for_another_card(sdk, delivered):
    received = delivered("setup_intent.setup_failed")
    customer = stripe.Customer.create()
    with pytest.raises(stripe.CardError) as raised:
        stripe.SetupIntent.create(customer=customer.id, confirm=True,
                                  payment_method="pm_card_chargeDeclined")
    failed = raised.value.error.setup_intent
    assert (failed.status, failed.last_setup_error.decline_code) == (
        "requires_payment_method", "generic_decline")
    assert [e.type for e in received()] == ["setup_intent.setup_failed"]
    done = stripe.SetupIntent.confirm(failed.id, payment_method="pm_card_mastercard")
    assert done.status == "succeeded"
    canceled = stripe.SetupIntent.create(customer=customer.id)
    assert stripe.SetupIntent.cancel(canceled.id).status == "canceled"
    assert [s.id for s in stripe.SetupIntent.list(customer=customer.id)] == [canceled.id,
                                                                              failed.id]


def test_a_payment_saving_its_card_for_the_customer(sdk):
    customer = stripe.Customer.create()
    paid = stripe.PaymentIntent.create(amount=1500, currency="usd", customer=customer.id,
                                       payment_method="pm_card_visa", confirm=True,
                                       setup_future_usage="off_session")
    [saved] = stripe.Customer.list_payment_methods(customer.id).data
    assert paid.payment_method == saved.id
    other = stripe.Customer.create()
    with pytest.raises(stripe.InvalidRequestError):  # not the card's customer
        stripe.PaymentIntent.create(amount=1500, currency="usd", customer=other.id,
                                    payment_method=saved.id, confirm=True)


def test_a_customer_error_names_stripe_s_parameter_and_empty_metadata_unsets(sdk):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Customer.create(invoice_settings={"default_payment_method": "pm_missing"})
    assert raised.value.param == "invoice_settings[default_payment_method]"
    customer = stripe.Customer.create(email="jenny@example.com", metadata="")
    assert customer.metadata.to_dict() == {}
