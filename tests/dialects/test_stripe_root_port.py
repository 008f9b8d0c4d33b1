"""Stripe's format at the root of a port of its own (`STRIPE_ROOT_PORT`, stripe-mock's 12111):
every request that arrives there is `/stripe/v1`'s, `/v1/...` being `/stripe/v1/...`; the
usual port is unchanged. Which surface answers depends on the port alone: the server's, or
the one a trusted proxy says it received the request on (`X-Forwarded-Port`)."""

import re
from urllib.parse import urlencode

import pytest
import requests
import stripe

from payments.models import Payment
from tests.support.checkout import CARD
from tests.support.credentials import ADMIN_KEY, STANDARD_KEY, client_for
from tests.support.errors import stripe_error, v1_error
from tests.support.factories import make_customer
from tests.support.pages import PageVisitor

AUTH = {"Authorization": f"Bearer {STANDARD_KEY}"}
FORM = "application/x-www-form-urlencoded"


@pytest.mark.django_db(transaction=True)
class TestLive:
    def test_v1_on_the_root_port_is_stripe_and_on_the_usual_port_the_main_api(
            self, demo, live_server, stripe_root):
        created = requests.post(f"{stripe_root}/v1/customers", data={"email": "a@example.com"},
                                headers=AUTH, timeout=10)
        assert created.status_code == 200, created.text
        assert created.json()["object"] == "customer"
        listed = requests.get(f"{stripe_root}/v1/customers", headers=AUTH, timeout=10)
        assert listed.status_code == 200, listed.text
        assert listed.json()["url"] == "/v1/customers"  # as Stripe says it: what the SDK pages
        assert [c["id"] for c in listed.json()["data"]] == [created.json()["id"]]
        # The same object at /stripe/v1 on the usual port; /v1/customers there is no route.
        mounted = requests.get(f"{live_server.url}/stripe/v1/customers", headers=AUTH, timeout=10)
        assert mounted.json()["data"] == listed.json()["data"]
        main = requests.get(f"{live_server.url}/v1/customers", headers=AUTH, timeout=10)
        v1_error(main, 404, code="route_not_found")
        assert requests.get(f"{live_server.url}/v1/payments", headers=AUTH,
                            timeout=10).json()["object"] == "list"

    @pytest.mark.parametrize("path", ["/", "/admin/", "/api/docs/", "/v1", "/v1/nope",
                                      "/stripe/v1/customers", "/favicon.ico"])
    def test_anything_else_on_the_root_port_is_a_stripe_404_in_json(self, demo, stripe_root,
                                                                      path):
        response = requests.get(f"{stripe_root}{path}", headers=AUTH, timeout=10)
        assert response.headers["Content-Type"] == "application/json"
        # No `code`: Stripe has none for an unknown route.
        error = stripe_error(response, 404, type="invalid_request_error", code=None)
        assert error["message"] == f"No route matches GET {path}."  # the path as asked
        assert response.headers["Stripe-Version"] and response.headers["Request-Id"]

    def test_the_python_sdk_with_only_an_api_base_creates_and_retrieves(self, demo,
                                                                        stripe_root,
                                                                        monkeypatch):
        monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
        monkeypatch.setattr(stripe, "api_base", stripe_root)  # no path: the SDK adds /v1/...
        monkeypatch.setattr(stripe, "max_network_retries", 0)
        created = stripe.PaymentIntent.create(amount=2000, currency="usd",
                                              payment_method="pm_card_visa", confirm=True)
        assert (created.status, created.amount_received) == ("succeeded", 2000)
        assert stripe.PaymentIntent.retrieve(created.id).status == "succeeded"
        assert Payment.objects.get(public_id=created.id).amount_minor == 2000
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe.PaymentIntent.retrieve("pi_missing")
        assert raised.value.http_status == 404 and raised.value.code == "resource_missing"
        # Its charge, and a card saved by a SetupIntent, the same way.
        assert stripe.Charge.retrieve(created.latest_charge).amount_captured == 2000
        customer = stripe.Customer.create(email="a@example.com")
        setup = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa",
                                          confirm=True)
        assert setup.status == "succeeded"
        [saved] = stripe.Customer.list_payment_methods(customer.id).data
        assert saved.id == setup.payment_method and saved.card.last4 == "4242"

    def test_the_authentication_page_of_a_confirmation_made_there_is_served_there(
            self, demo, stripe_root, monkeypatch):
        monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
        monkeypatch.setattr(stripe, "api_base", stripe_root)
        monkeypatch.setattr(stripe, "max_network_retries", 0)
        intent = stripe.PaymentIntent.create(
            amount=2000, currency="usd", payment_method="pm_card_threeDSecure2Required",
            confirm=True, return_url="https://shop.example/done")
        page = intent.next_action.redirect_to_url.url
        assert page.startswith(f"{stripe_root}/authenticate/")
        customer = PageVisitor()
        assert customer.open(page).status_code == 200
        assert customer.press("Complete authentication").status_code == 303
        assert stripe.PaymentIntent.retrieve(intent.id).status == "succeeded"


    def test_the_hosted_page_of_a_checkout_session_made_there_is_served_there(
            self, demo, stripe_root, monkeypatch):
        monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
        monkeypatch.setattr(stripe, "api_base", stripe_root)
        monkeypatch.setattr(stripe, "max_network_retries", 0)
        session = stripe.checkout.Session.create(
            mode="payment", success_url="https://shop.example/done",
            line_items=[{"price_data": {"currency": "usd", "unit_amount": 2000,
                                        "product_data": {"name": "T-shirt"}}, "quantity": 1}])
        assert session.url.startswith(f"{stripe_root}/checkout/pay/")
        browser = requests.Session()
        page = browser.get(session.url, timeout=10)
        assert page.status_code == 200 and "<h1>Pay 20.00 USD</h1>" in page.text
        for cookie in browser.cookies:  # http://localhost: a browser sends it Secure cookies
            cookie.secure = False
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        paid = browser.post(session.url, data={"csrfmiddlewaretoken": token,
                                               "email": "jenny@example.com", **CARD},
                            allow_redirects=False, timeout=10)
        assert (paid.status_code, paid.headers["Location"]) == (303, "https://shop.example/done")
        assert stripe.checkout.Session.retrieve(session.id).status == "complete"


def test_the_servers_port_decides(demo, settings):
    settings.STRIPE_ROOT_PORT = 12111
    api = client_for(STANDARD_KEY)
    assert api.get("/v1/customers", SERVER_PORT="12111").json()["object"] == "list"
    v1_error(api.get("/v1/customers", SERVER_PORT="8000"), 404, code="route_not_found")
    assert api.get("/v1/payments", SERVER_PORT="8000").json()["object"] == "list"


def test_every_kind_of_object_is_at_the_root_of_the_port(demo, settings):
    """The objects of every endpoint, not only PaymentIntents: Charges, PaymentMethods (a
    customer's too), SetupIntents; `/v1/...` there is `/stripe/v1/...` on the usual port."""
    settings.STRIPE_ROOT_PORT = 12111
    api, customer = client_for(STANDARD_KEY), make_customer(demo)
    made = {
        "/v1/payment_methods": {"type": "card", "card[token]": "tok_visa"},
        "/v1/setup_intents": {"customer": customer.public_id, "payment_method": "pm_card_visa",
                              "confirm": "true"},
        "/v1/payment_intents": {"amount": 2000, "currency": "usd", "confirm": "true",
                                "payment_method": "pm_card_visa"},
    }
    for path, fields in made.items():
        created = api.post(path, urlencode(fields), content_type=FORM, SERVER_PORT="12111",
                           headers={"Idempotency-Key": f"root-{path[4:]}"})
        assert created.status_code == 200, created.content
        mounted = api.get(f"/stripe{path}/{created.json()['id']}", SERVER_PORT="8000")
        assert mounted.json() == created.json()
    charge = created.json()["latest_charge"]
    reads = {
        f"/v1/charges/{charge}": "charge",
        "/v1/charges": "list",
        f"/v1/payment_methods?customer={customer.public_id}": "list",
        f"/v1/customers/{customer.public_id}/payment_methods": "list",
        f"/v1/setup_intents?customer={customer.public_id}": "list",
    }
    for path, kind in reads.items():
        answer = api.get(path, SERVER_PORT="12111")
        assert answer.json()["object"] == kind, (path, answer.content)
        assert answer.json() == api.get(f"/stripe{path}", SERVER_PORT="8000").json()
    [saved] = api.get(f"/v1/customers/{customer.public_id}/payment_methods",
                      SERVER_PORT="12111").json()["data"]
    assert saved["customer"] == customer.public_id
    v1_error(api.get("/v1/charges", SERVER_PORT="8000"), 404, code="route_not_found")


def test_no_static_file_is_served_on_the_root_port(demo, settings):
    settings.STRIPE_ROOT_PORT = 12111
    api, path = client_for(STANDARD_KEY), "/static/admin/css/base.css"
    error = stripe_error(api.get(path, SERVER_PORT="12111"), 404, code=None)
    assert error["message"] == f"No route matches GET {path}."
    assert api.get(path, SERVER_PORT="8000").status_code == 200


def test_no_root_port_when_it_is_0(demo, settings):
    settings.STRIPE_ROOT_PORT = 0
    api = client_for(STANDARD_KEY)
    assert api.get("/v1/payments", SERVER_PORT="0").json()["object"] == "list"


def test_only_a_trusted_proxy_says_which_port_it_received_a_request_on(demo, settings):
    settings.STRIPE_ROOT_PORT = 12111
    settings.TRUSTED_PROXIES = ["10.0.0.2/32"]
    api = client_for(STANDARD_KEY)
    relayed = api.get("/v1/customers", SERVER_PORT="8000", REMOTE_ADDR="10.0.0.2",
                      HTTP_X_FORWARDED_PORT="12111")
    assert relayed.json()["object"] == "list"
    back = api.get("/v1/payments", SERVER_PORT="12111", REMOTE_ADDR="10.0.0.2",
                   HTTP_X_FORWARDED_PORT="8080")  # a proxy's other port, in front of ours
    assert back.json()["object"] == "list"
    spoofed = api.get("/v1/customers", SERVER_PORT="8000", REMOTE_ADDR="10.0.0.9",
                      HTTP_X_FORWARDED_PORT="12111")
    v1_error(spoofed, 404, code="route_not_found")


def test_an_idempotency_key_is_one_operation_on_either_port(demo, settings):
    """`/v1/customers` on the root port and `/stripe/v1/customers` are one operation: the same
    key with the same body replays, wherever it is sent."""
    settings.STRIPE_ROOT_PORT = 12111
    api, body = client_for(STANDARD_KEY), "email=a%40example.com"
    first = api.post("/v1/customers", body, content_type=FORM, SERVER_PORT="12111",
                     headers={"Idempotency-Key": "cus-create-1"})
    again = api.post("/stripe/v1/customers", body, content_type=FORM, SERVER_PORT="8000",
                     headers={"Idempotency-Key": "cus-create-1"})
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
