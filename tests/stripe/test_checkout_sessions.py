"""Checkout Sessions with the official Python SDK: made with `price_data` line items, read
(their line items too), listed with Stripe's filters, expired; what Stripe refuses, refused."""

import contextlib
import io
import re

import pytest
import stripe

from payments.models import Checkout
from tests.dialects.test_stripe_sdk import docs_block

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [{"price_data": {"currency": "usd", "unit_amount": 2000,
                         "product_data": {"name": "T-shirt"}}, "quantity": 2},
         {"price_data": {"currency": "usd", "unit_amount": 500,
                         "product_data": {"name": "Socks"}}, "quantity": 3}]
SUCCESS = "https://shop.example/done?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "https://shop.example/cart"


def create(**overrides):
    return stripe.checkout.Session.create(**{"mode": "payment", "line_items": ITEMS,
                                             "success_url": SUCCESS, "cancel_url": CANCEL,
                                             **overrides})


def test_a_session_is_made_with_its_page_and_keeps_what_it_was_given(sdk, live_server):
    session = create(customer_email="jenny@example.com", client_reference_id="order-42",
                     metadata={"order_id": "42"}, locale="fr", submit_type="pay",
                     payment_method_types=["card"],
                     payment_intent_data={"capture_method": "manual",
                                          "description": "Order 42",
                                          "metadata": {"order_id": "42"}})
    assert session.id.startswith("cs_test_")
    assert (session.object, session.mode, session.status, session.payment_status) == (
        "checkout.session", "payment", "open", "unpaid")
    assert (session.amount_subtotal, session.amount_total, session.currency) == (
        5500, 5500, "usd")
    assert session.url == f"{live_server.url}/checkout/pay/{session.id}"
    assert session.expires_at - session.created == 24 * 3600  # Stripe's default
    assert (session.success_url, session.cancel_url) == (SUCCESS, CANCEL)
    assert (session.customer_email, session.client_reference_id) == ("jenny@example.com",
                                                                     "order-42")
    assert (session.locale, session.submit_type, session.ui_mode) == ("fr", "pay",
                                                                      "hosted_page")
    assert session.metadata.to_dict() == {"order_id": "42"}
    assert session.payment_intent is None and session.customer_details is None
    kept = Checkout.objects.get(public_id=session.id)
    assert (kept.capture_method, kept.payment_description, kept.payment_metadata) == (
        "manual", "Order 42", {"order_id": "42"})
    assert stripe.checkout.Session.retrieve(session.id).to_dict() == session.to_dict()


def test_line_items_are_listed_as_given_and_expanded_on_request(sdk):
    session = create()
    assert "line_items" not in stripe.checkout.Session.retrieve(session.id)
    expanded = stripe.checkout.Session.retrieve(session.id, expand=["line_items"])
    assert [item.description for item in expanded.line_items.data] == ["T-shirt", "Socks"]
    page = stripe.checkout.Session.list_line_items(session.id, limit=1)
    assert page.has_more is True
    shirt = page.data[0]
    assert (shirt.object, shirt.quantity, shirt.amount_subtotal, shirt.amount_total) == (
        "item", 2, 4000, 4000)
    assert (shirt.price.unit_amount, shirt.price.currency, shirt.price.type) == (
        2000, "usd", "one_time")
    walked = stripe.checkout.Session.list_line_items(session.id, limit=1).auto_paging_iter()
    assert [item.description for item in walked] == ["T-shirt", "Socks"]


def test_the_list_filters_and_expire(sdk):
    customer = stripe.Customer.create(email="jenny@example.com")
    first, second = create(), create(customer=customer.id)
    expired = stripe.checkout.Session.expire(first.id)
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.checkout.Session.expire(first.id)
    assert "can be expired" in raised.value.user_message
    assert [s.id for s in stripe.checkout.Session.list(status="open")] == [second.id]
    assert [s.id for s in stripe.checkout.Session.list(status="expired")] == [first.id]
    assert [s.id for s in stripe.checkout.Session.list(customer=customer.id)] == [second.id]
    assert {s.id for s in stripe.checkout.Session.list(created={"gte": first.created})} == {
        first.id, second.id}
    assert list(stripe.checkout.Session.list(created={"gt": second.created})) == []
    newest_first = [s.id for s in stripe.checkout.Session.list(limit=1).auto_paging_iter()]
    assert newest_first == [second.id, first.id]
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.checkout.Session.list(status="paid")
    assert raised.value.param == "status"


@pytest.mark.parametrize(("changes", "param", "words"), [
    ({"line_items": [{"price": "price_1Abc", "quantity": 1}]}, "line_items[0][price]",
     "price_data"),
    ({"line_items": [{"price_data": {"currency": "usd", "unit_amount": 100,
                                     "product_data": {"name": "Mug"}}}]},
     "line_items[0][quantity]", "required"),
    ({"mode": "setup", "line_items": None}, "currency", "setup mode needs a currency"),
    ({"mode": "setup", "currency": "usd"}, "line_items", "setup mode sells nothing"),
    ({"mode": "subscription"}, "mode", "subscription"),
    ({"line_items": [], "mode": "payment"}, "line_items", "at least one line item"),
    ({"line_items": [ITEMS[0], {**ITEMS[1], "price_data": {
        **ITEMS[1]["price_data"], "currency": "eur"}}]}, "currency", "one currency"),
    ({"line_items": [{**ITEMS[0], "quantity": 1, "price_data": {
        **ITEMS[0]["price_data"], "unit_amount": 10}}]}, "line_items", "at least 0.50"),
    ({"customer": "cus_missing"}, "customer", "No such customer"),
    ({"customer": "cus_x", "customer_email": "j@example.com"}, "customer_email", "not both"),
    ({"expires_at": 1}, "expires_at", "between 30 minutes and 24 hours"),
    ({"shipping_address_collection": {"allowed_countries": ["FR"]}},
     "shipping_address_collection", "unknown parameter"),
])
def test_what_stripe_refuses_is_refused_with_the_parameter_at_fault(sdk, changes, param,
                                                                     words):
    fields = {"mode": "payment", "line_items": ITEMS, "success_url": SUCCESS, **changes}
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.checkout.Session.create(**{k: v for k, v in fields.items() if v is not None})
    assert raised.value.http_status == 400
    assert raised.value.param == param
    assert words in raised.value.user_message
    assert not Checkout.objects.exists()


def test_expires_at_is_kept_within_stripes_bounds(sdk):
    now = create().created
    session = create(expires_at=now + 3600)
    assert session.expires_at == now + 3600
    with pytest.raises(stripe.InvalidRequestError):
        create(expires_at=now + 25 * 3600)


def test_the_docs_example_runs_as_written(sdk, live_server):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(docs_block("stripe-checkout", "python", live_server.url),  # noqa: S102
             {"stripe": stripe})
    status, url = printed.getvalue().splitlines()
    assert status == "open 4000"
    assert re.fullmatch(rf"{live_server.url}/checkout/pay/cs_test_\w+", url)
