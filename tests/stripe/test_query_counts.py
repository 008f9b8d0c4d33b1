"""Query ceilings of the Stripe endpoints of charges, saved cards, setups and checkout
sessions (every statement sent, and the data statements among them), as an SDK calls them:
form bodies; and of paying on a session's hosted page, as a browser posts its form."""

from urllib.parse import urlencode

import pytest

from payments import services
from tests.support.checkout import HostedPage
from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.factories import make_checkout


@pytest.fixture
def stripe_api(demo):
    api = client_for(ADMIN_KEY)
    api.get("/stripe/v1/customers")  # the key's first use is recorded once: not counted

    def call(method: str, path: str, body: dict | None = None):
        if method == "get":
            return api.get(f"/stripe/v1/{path}")
        return api.post(f"/stripe/v1/{path}", urlencode(body or {}),
                        content_type="application/x-www-form-urlencoded")

    return call


@pytest.fixture
def customer(demo):
    return services.customer_create(account=demo, email="jenny@example.com")


def test_create_and_confirm(stripe_api, count_queries):
    """Auth, the payment INSERT, the charge INSERT, two events INSERTs (the intent before
    its confirmation, then the charge's and the outcome's); SAVEPOINT, RELEASE."""
    with count_queries(statements=7, queries=5):
        response = stripe_api("post", "payment_intents", {
            "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
            "confirm": "true"})
        assert response.json()["status"] == "succeeded"


def test_confirm(stripe_api, demo, count_queries):
    """Auth, the payment row locked, its UPDATE, the charge INSERT, the events INSERT."""
    intent = services.payment_open(account=demo, amount_minor=2000, currency="USD",
                                   origin="stripe")
    with count_queries(statements=7, queries=5):
        response = stripe_api("post", f"payment_intents/{intent.public_id}/confirm",
                              {"payment_method": "pm_card_visa"})
        assert response.json()["status"] == "succeeded"


def test_capture(stripe_api, demo, count_queries):
    """Auth, the payment locked and updated, its charge read and updated, the events."""
    intent = services.payment_open(account=demo, amount_minor=2000, currency="USD",
                                   origin="stripe", payment_method_id="pm_card_visa",
                                   confirm=True, capture_method="manual")
    with count_queries(statements=8, queries=6):
        response = stripe_api("post", f"payment_intents/{intent.public_id}/capture")
        assert response.json()["status"] == "succeeded"


def test_off_session_charge_of_a_saved_card(stripe_api, demo, customer, count_queries):
    """Beyond a test card: the saved card read (with its customer) and the customer read."""
    card = services.card_attach(account=demo, card_id="pm_card_visa",
                                customer_id=customer.public_id, origin="stripe")
    with count_queries(statements=9, queries=7):
        response = stripe_api("post", "payment_intents", {
            "amount": 2000, "currency": "usd", "customer": customer.public_id,
            "payment_method": card.public_id, "off_session": "true", "confirm": "true"})
        assert response.json()["status"] == "succeeded"


def test_retrieve_charge(stripe_api, demo, count_queries):
    intent = services.payment_open(account=demo, amount_minor=2000, currency="USD",
                                   origin="stripe", payment_method_id="pm_card_visa",
                                   confirm=True)
    with count_queries(statements=2, queries=2):
        assert stripe_api("get", f"charges/{intent.latest_charge_id}").status_code == 200


def test_create_payment_method(stripe_api, count_queries):
    with count_queries(statements=4, queries=2):
        assert stripe_api("post", "payment_methods", {
            "type": "card", "card[token]": "tok_visa"}).status_code == 200


def test_attach(stripe_api, customer, count_queries):
    """Auth, the customer locked, the new card INSERT, the event INSERT."""
    with count_queries(statements=6, queries=4):
        assert stripe_api("post", "payment_methods/pm_card_visa/attach", {
            "customer": customer.public_id}).status_code == 200


def test_create_and_confirm_setup(stripe_api, customer, count_queries):
    """Auth, the customer locked, the setup INSERT and UPDATE, the card INSERT, events."""
    with count_queries(statements=10, queries=8):
        response = stripe_api("post", "setup_intents", {
            "customer": customer.public_id, "payment_method": "pm_card_visa",
            "confirm": "true"})
        assert response.json()["status"] == "succeeded"


def test_customer_payment_methods(stripe_api, demo, customer, count_queries):
    for method in ("pm_card_visa", "pm_card_mastercard", "pm_card_amex"):
        services.card_attach(account=demo, card_id=method, customer_id=customer.public_id,
                             origin="stripe")
    with count_queries(statements=3, queries=3):
        response = stripe_api("get", f"customers/{customer.public_id}/payment_methods")
        assert len(response.json()["data"]) == 3


def test_create_checkout_session(stripe_api, count_queries):
    """Auth, the session INSERT, one INSERT of all its line items; SAVEPOINT, RELEASE."""
    with count_queries(statements=5, queries=3):
        response = stripe_api("post", "checkout/sessions", {
            "mode": "payment", "success_url": "https://shop.example/done",
            **{f"line_items[{index}][{name}]": value for index in (0, 1) for name, value in (
                ("price_data][currency", "usd"), ("price_data][unit_amount", 2000),
                ("price_data][product_data][name", f"Item {index}"), ("quantity", 1))}})
        assert response.json()["amount_total"] == 4000


def test_pay_on_the_hosted_page(demo, count_queries):
    """The session read with its line items (the page); then one transaction: the session
    locked, the card typed INSERTed (and read as the payment's method), the payment and its
    charge INSERTs, the session's UPDATE, three event INSERTs (the intent made; the charge
    and the intent's outcome; the session completed); SAVEPOINT, RELEASE."""
    page = HostedPage(f"http://testserver/checkout/pay/{make_checkout(demo).public_id}")
    page.fill()
    with count_queries(statements=13, queries=11):
        assert page.submit().status_code == 303


def test_pay_again_after_a_decline(demo, count_queries):
    """As above, but the payment made by the declined attempt is locked and UPDATEd."""
    page = HostedPage(f"http://testserver/checkout/pay/{make_checkout(demo).public_id}")
    page.pay(card_number="4000 0000 0000 0002")
    page.form["card_number"] = "4242 4242 4242 4242"
    with count_queries(statements=13, queries=11):
        assert page.submit().status_code == 303


def test_the_hosted_page(demo, count_queries):
    """The session with its customer, payment and setup; its line items."""
    page = HostedPage(f"http://testserver/checkout/pay/{make_checkout(demo).public_id}")
    with count_queries(statements=2, queries=2):
        assert page.open().status_code == 200


def test_confirm_into_requires_action(stripe_api, demo, count_queries):
    """As a confirmation that charges, with the authentication's INSERT for the charge's."""
    intent = services.payment_open(account=demo, amount_minor=2000, currency="USD",
                                   origin="stripe")
    with count_queries(statements=7, queries=5):
        response = stripe_api("post", f"payment_intents/{intent.public_id}/confirm",
                              {"payment_method": "pm_card_threeDSecure2Required",
                               "return_url": "https://shop.example/back"})
        assert response.json()["next_action"]["type"] == "redirect_to_url"


def test_the_authentication_page(client, demo, count_queries):
    """GET: the authentication with its account and payment. POST: that read, the payment
    and the authentication locked, their UPDATEs, the charge's INSERT, the events' INSERT;
    SAVEPOINT, RELEASE (a transaction of its own outside tests)."""
    intent = services.payment_open(
        account=demo, amount_minor=2000, currency="USD", origin="stripe",
        payment_method_id="pm_card_threeDSecure2Required", confirm=True,
        authenticate_at="http://testserver", return_url="https://shop.example/back")
    url = f"/authenticate/{intent.pending_authentication.public_id}/"
    with count_queries(statements=1, queries=1):
        assert client.get(url).status_code == 200
    with count_queries(statements=9, queries=7):
        response = client.post(url, {"outcome": "complete"})
        assert response.status_code == 303


@pytest.fixture
def intents_of_ten_customers(demo):
    """Ten PaymentIntents, each of a customer of its own, paid (each with its charge)."""
    for n in range(10):
        customer = services.customer_create(account=demo, email=f"c{n}@example.com")
        services.payment_open(account=demo, amount_minor=1000 + n, currency="USD",
                              origin="stripe", payment_method_id="pm_card_visa", confirm=True,
                              customer_id=customer.public_id)


def test_list_expanding_each_customer(stripe_api, intents_of_ten_customers, count_queries):
    """Auth, the page, and the page's customers in one query: not one per intent."""
    with count_queries(statements=3, queries=3):
        response = stripe_api("get", "payment_intents?limit=10&expand[]=data.customer")
        assert [intent["customer"]["object"] for intent in response.json()["data"]] == [
            "customer"] * 10


def test_list_expanding_four_levels(stripe_api, intents_of_ten_customers, count_queries):
    """One query per level, whatever the page's size: the charges, their intents, the
    intents' customers."""
    with count_queries(statements=5, queries=5):
        response = stripe_api("get", "payment_intents?limit=10&expand[]="
                                     "data.latest_charge.payment_intent.customer")
        assert {intent["latest_charge"]["payment_intent"]["customer"]["object"]
                for intent in response.json()["data"]} == {"customer"}


def test_search(stripe_api, intents_of_ten_customers, count_queries):
    """Auth and the page of matches."""
    with count_queries(statements=2, queries=2):
        response = stripe_api("get", "payment_intents/search?query=amount%3E1004"
                                     "%20status%3A%27succeeded%27&limit=3")
        assert len(response.json()["data"]) == 3 and response.json()["has_more"]


def test_search_expanding_customers_with_the_total(stripe_api, intents_of_ten_customers,
                                                   count_queries):
    """Auth, the page, its customers, and the count of every match."""
    with count_queries(statements=4, queries=4):
        response = stripe_api("get", "payment_intents/search?query=currency%3A%27usd%27"
                                     "&expand[]=data.customer&expand[]=total_count")
        assert response.json()["total_count"] == 10
