"""The hosted payment page, driven as a customer's browser drives it (no browser: a CSRF-checking
client, `tests.support.checkout`): paying with test cards, a decline and another card, saving
a card in setup mode, what the form refuses, expiry by the sandbox clock and a scenario that
declines on demand; the sessions, intents and events the integrator's back end then sees."""

import re
from datetime import timedelta

import pytest
import stripe
from django.test import Client

from accounts.models import Account, Scenario
from core.periodic import run_periodic_jobs
from payments.models import Checkout, Payment
from tests.support.checkout import HostedPage, alert_of
from tests.support.credentials import ADMIN_KEY, client_for

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [{"price_data": {"currency": "usd", "unit_amount": 2000,
                         "product_data": {"name": "T-shirt"}}, "quantity": 2}]
SUCCESS = "https://shop.example/done?session_id={CHECKOUT_SESSION_ID}"


def create(**overrides):
    return stripe.checkout.Session.create(**{
        "mode": "payment", "line_items": ITEMS, "success_url": SUCCESS,
        "cancel_url": "https://shop.example/cart", **overrides})


def field(html: str, name: str) -> str:
    """The `<input>` of the form field `name`."""
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_the_page_shows_the_items_the_total_and_a_labelled_form(sdk):
    session = create()
    html = HostedPage(session.url).open().content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Pay 40.00 USD</h1>" in html
    assert "<td>T-shirt</td><td>2 &times; 20.00 USD</td>" in html
    for name, label in (("email", "Email"), ("card_number", "Card number"),
                        ("card_expiry", "Expiration (MM / YY)"), ("card_cvc", "CVC"),
                        ("cardholder_name", "Name on card")):
        assert f'<label for="id_{name}">{label}</label>' in html
        assert f'id="id_{name}"' in field(html, name)
    assert '<button type="submit" class="pay">Pay</button>' in html
    assert '<a class="back" href="https://shop.example/cart">' in html
    assert "<script" not in html and "https://" not in html.split("<body>")[0]


def test_paying_with_4242_completes_the_session_and_sends_the_event(sdk, delivered):
    received = delivered("checkout.session.completed")
    session = create()
    response = HostedPage(session.url).pay()
    assert response.status_code == 303
    assert response["Location"] == f"https://shop.example/done?session_id={session.id}"

    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_status, done.url) == ("complete", "paid", None)
    assert (done.customer_details.email, done.customer_details.name) == (
        "jenny@example.com", "Jenny Rosen")
    intent = stripe.PaymentIntent.retrieve(done.payment_intent)
    assert (intent.status, intent.amount, intent.amount_received) == ("succeeded", 4000, 4000)
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert (charge.status, charge.paid, charge.payment_method_details.card.last4) == (
        "succeeded", True, "4242")
    [event] = received()
    assert event.type == "checkout.session.completed"
    assert (event.data.object.id, event.data.object.payment_status) == (session.id, "paid")
    assert event.data.object.payment_intent == intent.id
    again = HostedPage(session.url).open()
    assert "<h1>Payment complete</h1>" in again.content.decode()
    assert 'name="card_number"' not in again.content.decode()


def test_a_decline_keeps_the_session_open_and_another_card_pays(sdk):
    session = create()
    page = HostedPage(session.url)
    declined = page.pay(card_number="4000 0000 0000 0002")
    assert declined.status_code == 402
    assert alert_of(declined) == "Your card was declined."
    waiting = stripe.checkout.Session.retrieve(session.id)
    assert (waiting.status, waiting.payment_status) == ("open", "unpaid")
    intent = stripe.PaymentIntent.retrieve(waiting.payment_intent)
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.decline_code == "generic_decline"

    assert page.pay().status_code == 303
    paid = stripe.checkout.Session.retrieve(session.id)
    assert (paid.status, paid.payment_intent) == ("complete", intent.id)  # the same intent
    charges = stripe.Charge.list(payment_intent=intent.id)
    assert [charge.status for charge in charges] == ["succeeded", "failed"]


def test_another_press_of_pay_goes_to_the_success_page_and_charges_nothing_more(sdk):
    session = create()
    page = HostedPage(session.url)
    page.pay()
    again = page.submit()
    assert again.status_code == 303 and session.id in again["Location"]
    assert Payment.objects.count() == 1


def test_setup_mode_saves_the_card_for_the_customer_to_charge_off_session(sdk):
    customer = stripe.Customer.create(email="jenny@example.com", name="Jenny Rosen")
    session = stripe.checkout.Session.create(mode="setup", currency="usd",
                                             customer=customer.id,
                                             success_url="https://shop.example/saved")
    assert (session.payment_status, session.amount_total) == ("no_payment_required", None)
    page = HostedPage(session.url)
    html = page.open().content.decode()
    assert 'name="email"' not in html  # the customer's email is known
    assert '<button type="submit" class="pay">Save card</button>' in html
    assert page.pay(email="").status_code == 303

    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_intent) == ("complete", None)
    setup = stripe.SetupIntent.retrieve(done.setup_intent)
    assert (setup.status, setup.customer) == ("succeeded", customer.id)
    [card] = stripe.Customer.list_payment_methods(customer.id)
    assert (card.id, card.card.last4, card.billing_details.name) == (
        setup.payment_method, "4242", "Jenny Rosen")
    later = stripe.PaymentIntent.create(amount=1500, currency="usd", customer=customer.id,
                                        payment_method=card.id, off_session=True,
                                        confirm=True)
    assert later.status == "succeeded"


def test_a_declined_card_is_not_saved_in_setup_mode(sdk):
    customer = stripe.Customer.create(email="jenny@example.com")
    session = stripe.checkout.Session.create(mode="setup", currency="usd",
                                             customer=customer.id)
    page = HostedPage(session.url)
    response = page.pay(card_number="4000000000009995")
    assert (response.status_code, alert_of(response)) == (402,
                                                          "Your card has insufficient funds.")
    assert list(stripe.Customer.list_payment_methods(customer.id)) == []
    assert page.pay().status_code == 200  # no success_url: the page says it is done
    assert len(stripe.Customer.list_payment_methods(customer.id).data) == 1


def test_manual_capture_completes_the_session_unpaid_until_captured(sdk):
    session = create(payment_intent_data={"capture_method": "manual"})
    HostedPage(session.url).pay()
    done = stripe.checkout.Session.retrieve(session.id)
    assert (done.status, done.payment_status) == ("complete", "unpaid")
    assert stripe.PaymentIntent.retrieve(done.payment_intent).status == "requires_capture"


def test_customer_creation_always_makes_a_customer_from_the_page(sdk):
    session = create(customer_creation="always")
    HostedPage(session.url).pay(email="sam@example.com", cardholder_name="Sam Lee")
    done = stripe.checkout.Session.retrieve(session.id)
    customer = stripe.Customer.retrieve(done.customer)
    assert (customer.email, customer.name) == ("sam@example.com", "Sam Lee")
    assert stripe.PaymentIntent.retrieve(done.payment_intent).customer == customer.id


def test_what_the_form_refuses_is_shown_at_each_field(sdk):
    session = create()
    response = HostedPage(session.url).pay(card_number="", card_expiry="13 / 30",
                                           card_cvc="12", cardholder_name="")
    assert response.status_code == 400
    html = response.content.decode()
    for name, message in (("card_number", "Enter your card number."),
                          ("card_expiry", "expiration month is invalid"),
                          ("card_cvc", "security code is incomplete"),
                          ("cardholder_name", "Enter the name on your card.")):
        assert f'aria-describedby="{name}-error"' in field(html, name)
        assert 'aria-invalid="true"' in field(html, name)
        error = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', html)
        assert error and message in error.group(1), name
    assert "autofocus" in field(html, "card_number")  # the first field at fault
    assert "autofocus" not in field(html, "email")
    for expiry, message in (("01 / 20", "in the past"), ("12", "incomplete")):
        html = HostedPage(session.url).pay(card_expiry=expiry).content.decode()
        assert message in html, expiry
    html = HostedPage(session.url).pay(card_number="4111 1111 1111 1111").content.decode()
    assert "only test cards work here" in html
    assert stripe.checkout.Session.retrieve(session.id).payment_intent is None


def authenticate(page: HostedPage, response, outcome: str):
    """Follow the page to the authentication page (3-D Secure), answer it as the cardholder
    (`complete` or `fail`), and follow the browser back to the checkout: its answer."""
    assert response.status_code == 303 and "/authenticate/" in response["Location"]
    bank = page.client.get(response["Location"])
    assert "Complete authentication" in bank.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bank.content.decode())
    back = page.client.post(response["Location"], {"csrfmiddlewaretoken": token.group(1),
                                                   "outcome": outcome})
    assert back.status_code == 303
    session_id = page.url.rsplit("/", 1)[1]
    assert f"/checkout/pay/{session_id}/return?payment_intent=pi_" in back["Location"]
    return page.client.get(back["Location"])


def test_a_card_asking_for_authentication_goes_through_3d_secure_and_back(sdk, delivered):
    received = delivered("checkout.session.completed")
    session = create()
    page = HostedPage(session.url)
    asked = page.pay(card_number="4000 0025 0000 3155")
    waiting = stripe.checkout.Session.retrieve(session.id)
    assert waiting.status == "open"
    assert stripe.PaymentIntent.retrieve(waiting.payment_intent).status == "requires_action"
    done = authenticate(page, asked, "complete")
    assert done.status_code == 303
    assert done["Location"] == f"https://shop.example/done?session_id={session.id}"
    paid = stripe.checkout.Session.retrieve(session.id)
    assert (paid.status, paid.payment_status, paid.customer_details.name) == (
        "complete", "paid", "Jenny Rosen")
    intent = stripe.PaymentIntent.retrieve(paid.payment_intent)
    assert intent.status == "succeeded"
    charge = stripe.Charge.retrieve(intent.latest_charge)
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"
    [event] = received()
    assert event.data.object.id == session.id


def test_a_failed_authentication_keeps_the_session_open_for_another_card(sdk):
    session = create()
    page = HostedPage(session.url)
    back = authenticate(page, page.pay(card_number="4000 0000 0000 3220"), "fail")
    assert back.status_code == 200
    assert alert_of(back) == ("Your card was not authenticated: nothing was charged. Try "
                              "again, or use another card.")
    assert 'name="card_number"' in back.content.decode()
    assert stripe.checkout.Session.retrieve(session.id).status == "open"
    assert page.pay().status_code == 303
    assert stripe.checkout.Session.retrieve(session.id).status == "complete"


def test_setup_mode_authenticates_the_card_before_saving_it(sdk):
    customer = stripe.Customer.create(email="jenny@example.com")
    session = stripe.checkout.Session.create(mode="setup", currency="usd",
                                             customer=customer.id,
                                             success_url="https://shop.example/saved")
    page = HostedPage(session.url)
    asked = page.pay(card_number="4000 0025 0000 3155")
    assert list(stripe.Customer.list_payment_methods(customer.id)) == []
    bank = page.client.get(asked["Location"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bank.content.decode())
    back = page.client.post(asked["Location"], {"csrfmiddlewaretoken": token.group(1),
                                                "outcome": "complete"})
    assert f"/checkout/pay/{session.id}/return?setup_intent=seti_" in back["Location"]
    assert page.client.get(back["Location"])["Location"] == "https://shop.example/saved"
    done = stripe.checkout.Session.retrieve(session.id)
    assert stripe.SetupIntent.retrieve(done.setup_intent).status == "succeeded"
    [card] = stripe.Customer.list_payment_methods(customer.id)
    assert card.card.last4 == "3155"


def test_a_session_paid_through_3d_secure_is_not_expired(sdk):
    """The browser never came back from the authentication page: the session is complete
    all the same once its payment went through, when its time is up."""
    session = create()
    page = HostedPage(session.url)
    asked = page.pay(card_number="4000 0025 0000 3155")
    bank = page.client.get(asked["Location"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bank.content.decode())
    page.client.post(asked["Location"], {"csrfmiddlewaretoken": token.group(1),
                                         "outcome": "complete"})  # no return visit
    advanced = client_for(ADMIN_KEY).post("/v1/test/clock/advance", {"seconds": 86_400},
                                          format="json").json()
    assert advanced["processed"]["checkout_sessions_expired"] == 0
    assert stripe.checkout.Session.retrieve(session.id).status == "complete"


def test_the_form_needs_its_csrf_token(sdk):
    session = create()
    browser = Client(enforce_csrf_checks=True)
    browser.get(session.url)
    response = browser.post(session.url, {"card_number": "4242424242424242"})
    assert response.status_code == 403
    assert stripe.checkout.Session.retrieve(session.id).status == "open"


def test_an_unknown_session_is_a_page_saying_so(db):
    response = Client().get("/checkout/pay/cs_test_nope")
    assert response.status_code == 404
    assert "<h1>Checkout not found</h1>" in response.content.decode()


def test_the_sandbox_clock_expires_open_sessions_with_their_event(sdk, delivered):
    received = delivered("checkout.session.expired")
    session = create()
    page = HostedPage(session.url)
    page.pay(card_number="4000000000000002")  # a declined attempt: its intent is abandoned
    advanced = client_for(ADMIN_KEY).post("/v1/test/clock/advance", {"seconds": 86_400},
                                          format="json").json()
    assert advanced["processed"]["checkout_sessions_expired"] == 1
    expired = stripe.checkout.Session.retrieve(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    intent = stripe.PaymentIntent.retrieve(expired.payment_intent)
    assert (intent.status, intent.cancellation_reason) == ("canceled", "abandoned")
    [event] = received()
    assert (event.type, event.data.object.id, event.data.object.status) == (
        "checkout.session.expired", session.id, "expired")
    html = page.open().content.decode()
    assert "<h1>This checkout session has expired</h1>" in html
    assert 'href="https://shop.example/cart"' in html
    assert 'name="card_number"' not in html  # no form to fill
    late = page.submit()  # the form, sent from the page before it expired
    assert late.status_code == 409 and "has expired" in late.content.decode()
    assert stripe.Charge.list(payment_intent=intent.id).data[0].status == "failed"


def move_clock(session, seconds: int) -> None:
    """The account's clock moved on, without running what became due (as the scheduler
    then finds it, between two of its ticks)."""
    account_id = Checkout.objects.get(public_id=session.id).account_id
    Account.objects.filter(pk=account_id).update(clock_offset_seconds=seconds)


def test_the_scheduler_expires_sessions_due_by_their_accounts_clock(sdk):
    day_long = create()
    hour_long = create(expires_at=day_long.created + 3600)
    assert run_periodic_jobs(frequent_only=True)["checkout_sessions_expired"] == 0
    move_clock(hour_long, 3600)
    assert run_periodic_jobs(frequent_only=True)["checkout_sessions_expired"] == 1
    assert [s.status for s in stripe.checkout.Session.list()] == ["expired", "open"]


def test_a_session_whose_time_is_up_takes_no_payment(sdk):
    session = create(expires_at=create().created + 3600)
    page = HostedPage(session.url)
    page.pay(card_number="4000000000000002")
    move_clock(session, int(timedelta(minutes=61).total_seconds()))
    assert "has expired" in page.open().content.decode()
    late = page.submit()
    assert late.status_code == 409
    assert Payment.objects.get().status == "requires_confirmation"  # the decline only


def test_a_scenario_declines_the_next_payment_on_the_page(sdk):
    scenario = client_for(ADMIN_KEY).post("/v1/test/scenarios", {
        "operation": "checkout.complete", "outcome": "decline",
        "decline_code": "insufficient_funds"}, format="json").json()
    session = create()
    page = HostedPage(session.url)
    declined = page.pay()  # 4242: the scenario declines it all the same
    assert declined.status_code == 402
    assert alert_of(declined) == "Your card has insufficient funds."
    assert declined["Sandbox-Scenario"] == scenario["id"]
    assert Scenario.objects.get(public_id=scenario["id"]).remaining == 0
    intent = stripe.PaymentIntent.retrieve(
        stripe.checkout.Session.retrieve(session.id).payment_intent)
    assert intent.last_payment_error.decline_code == "insufficient_funds"
    assert page.pay().status_code == 303  # used up: the next attempt goes through


def test_a_scenario_of_another_surface_leaves_the_page_alone(sdk):
    client_for(ADMIN_KEY).post("/v1/test/scenarios", {
        "operation": "checkout.complete", "outcome": "decline", "surface": "v1"},
        format="json")
    assert HostedPage(create().url).pay().status_code == 303
