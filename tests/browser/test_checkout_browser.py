"""A customer on a Checkout Session's hosted page, in a real browser: the session is made
through `/stripe/v1` as a back end makes it, its `url` opened, the form filled as a person
fills it (by its labels, or with the keyboard alone), and the browser followed to the
merchant's success page. Each state of the page passes axe-core with no serious or critical
violation, under the page's own Content-Security-Policy."""

import json
import urllib.request
from urllib.parse import urlencode

import pytest

from payments.models import Card, Checkout
from tests.support.browser import axe_violations, expect, record_hosts, serious, shot, watch
from tests.support.credentials import ADMIN_KEY

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = ("Email", "Card number", "Expiration (MM / YY)", "CVC", "Name on card")


def stripe_post(live_server, path: str, fields: dict) -> dict:
    """A `/stripe/v1` call as a back end makes it: a form body, the secret key."""
    request = urllib.request.Request(
        f"{live_server.url}/stripe/v1/{path}", data=urlencode(fields).encode(),
        headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def create_session(live_server, **fields) -> dict:
    """A session for two T-shirts whose success and cancel pages are on the live server
    (any page that answers will do: the browser must land there)."""
    return stripe_post(live_server, "checkout/sessions", {
        "mode": "payment", "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": 2000,
        "line_items[0][price_data][product_data][name]": "T-shirt",
        "line_items[0][quantity]": 2,
        "success_url": f"{live_server.url}/?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{live_server.url}/api/redoc/", **fields})


def fill_card(page, number: str = "4242 4242 4242 4242") -> None:
    if page.get_by_label("Email").count():
        page.get_by_label("Email").fill("jenny@example.com")
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiration (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Jenny Rosen")


def accessible(page, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    assert serious(axe_violations(page, name)) == []


def test_paying_with_4242_lands_on_the_merchants_success_page(page, demo, live_server):
    problems = watch(page)
    foreign = record_hosts(page, live_server.url)  # the page works offline: nothing leaves
    session = create_session(live_server)
    page.goto(session["url"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay 40.00 USD")
    expect(page.get_by_role("cell", name="T-shirt")).to_be_visible()
    for label in FIELDS:
        expect(page.get_by_label(label)).to_be_visible()
    accessible(page, "checkout form")
    shot(page, "checkout-01-form")
    fill_card(page)
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(f"**/?session_id={session['id']}")
    assert page.url == f"{live_server.url}/?session_id={session['id']}"
    shot(page, "checkout-02-success-page")
    checkout = Checkout.objects.get(public_id=session["id"])
    assert (checkout.status, checkout.payment_status) == ("complete", "paid")
    page.goto(session["url"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment complete")
    accessible(page, "checkout complete")
    assert problems == [] and foreign == []


def test_a_decline_is_announced_and_another_card_pays(page, demo, live_server):
    session = create_session(live_server)
    page.goto(session["url"])
    fill_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    accessible(page, "checkout declined")
    shot(page, "checkout-03-declined")
    assert Checkout.objects.get(public_id=session["id"]).status == "open"
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(f"**/?session_id={session['id']}")


def test_what_the_form_refuses_is_described_at_each_field(page, demo, live_server):
    page.goto(create_session(live_server)["url"])
    page.get_by_label("Email").fill("jenny@example.com")
    page.get_by_label("Expiration (MM / YY)").fill("13 / 30")
    page.get_by_role("button", name="Pay", exact=True).click()
    number = page.get_by_label("Card number")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_accessible_description("Enter your card number.")
    expect(number).to_be_focused()  # the first field at fault
    expect(page.get_by_label("Expiration (MM / YY)")).to_have_accessible_description(
        "Your card's expiration month is invalid.")
    accessible(page, "checkout form errors")
    shot(page, "checkout-04-form-errors")


def test_setup_mode_saves_the_card_for_the_customer(page, demo, live_server):
    customer = stripe_post(live_server, "customers", {"email": "jenny@example.com"})
    session = stripe_post(live_server, "checkout/sessions", {
        "mode": "setup", "currency": "usd", "customer": customer["id"],
        "success_url": f"{live_server.url}/?saved={{CHECKOUT_SESSION_ID}}"})
    page.goto(session["url"])
    expect(page.get_by_label("Email")).to_have_count(0)  # the customer's is known
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Save a card for later payments")
    accessible(page, "checkout setup form")
    shot(page, "checkout-05-setup")
    fill_card(page)
    page.get_by_role("button", name="Save card").click()
    page.wait_for_url(f"**/?saved={session['id']}")
    assert Card.objects.get(customer__public_id=customer["id"]).last4 == "4242"


def test_an_expired_session_says_so_and_takes_no_card(page, demo, live_server):
    session = create_session(live_server)
    stripe_post(live_server, f"checkout/sessions/{session['id']}/expire", {})
    page.goto(session["url"])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This checkout session has expired")
    expect(page.get_by_label("Card number")).to_have_count(0)
    accessible(page, "checkout expired")
    shot(page, "checkout-06-expired")


def test_the_back_link_returns_to_the_merchant(page, demo, live_server):
    session = create_session(live_server)
    page.goto(session["url"])
    page.get_by_role("link", name="Back").click()
    page.wait_for_url(f"{live_server.url}/api/redoc/")
    assert Checkout.objects.get(public_id=session["id"]).status == "open"


def test_the_keyboard_alone_fills_and_submits_the_form(page, demo, live_server):
    session = create_session(live_server)
    page.goto(session["url"])
    typed = {"Email": "jenny@example.com", "Card number": "4242424242424242",
             "Expiration (MM / YY)": "1234", "CVC": "123", "Name on card": "Jenny Rosen"}
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Back")).to_be_focused()
    for label, text in typed.items():
        page.keyboard.press("Tab")
        field = page.get_by_label(label)
        expect(field).to_be_focused()
        outline = field.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + "
                                 "getComputedStyle(e).outlineWidth")
        assert outline == "solid 3px", (label, outline)  # the focus is visible
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Pay", exact=True)).to_be_focused()
    shot(page, "checkout-07-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/?session_id={session['id']}")
    assert Checkout.objects.get(public_id=session["id"]).status == "complete"


def test_a_card_asking_for_authentication_goes_through_3d_secure(page, demo, live_server):
    problems = watch(page)
    foreign = record_hosts(page, live_server.url)
    session = create_session(live_server)
    page.goto(session["url"])
    fill_card(page, "4000 0025 0000 3155")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("**/authenticate/**")
    accessible(page, "checkout 3-D Secure")
    shot(page, "checkout-08-3d-secure")
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(f"**/?session_id={session['id']}")
    assert Checkout.objects.get(public_id=session["id"]).status == "complete"
    assert problems == [] and foreign == []
