"""3-D Secure with the official Python SDK: a card that asks for authentication leaves the
intent `requires_action` with the sandbox's page in `next_action`; a customer's browser
(`tests.support.pages.PageVisitor`) completes or fails it there and is sent back to the
return URL; a new confirmation supersedes it, cancelling ends it; SetupIntents the same."""

import contextlib
import io
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from payments.models import CardAuthentication, Charge
from tests.dialects.test_stripe_sdk import docs_block
from tests.support.pages import PageVisitor

pytestmark = pytest.mark.django_db(transaction=True)

RETURN_URL = "https://shop.example/return?order=42"
THREE_D_SECURE = "pm_card_threeDSecure2Required"


def challenged(**fields) -> stripe.PaymentIntent:
    """A 20.00 USD intent confirmed with a card that asks for authentication."""
    return stripe.PaymentIntent.create(**{
        "amount": 2000, "currency": "usd", "confirm": True, "payment_method": THREE_D_SECURE,
        "return_url": RETURN_URL, **fields})


def returned(answer) -> dict:
    """The query of the return URL a page's answer sends the browser to (303)."""
    assert answer.status_code == 303, (answer.status_code, answer.text[:300])
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://shop.example/return")
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def test_the_page_completes_the_payment_and_sends_the_browser_back(sdk, live_server):
    intent = challenged()
    assert (intent.status, intent.latest_charge, intent.payment_method) == (
        "requires_action", None, THREE_D_SECURE)
    action = intent.next_action
    assert action.type == "redirect_to_url"
    assert action.redirect_to_url.return_url == RETURN_URL
    assert action.redirect_to_url.url.startswith(live_server.url + "/authenticate/")

    customer = PageVisitor()
    page = customer.open(action.redirect_to_url.url)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    for shown in ("Authenticate your payment", "Demo Account", "20.00 USD",
                  "Visa ending in 3220", "Complete authentication", "Fail authentication"):
        assert shown in page.text, shown
    query = returned(customer.press("Complete authentication"))
    assert query == {"order": "42", "payment_intent": intent.id,
                     "payment_intent_client_secret": intent.client_secret,
                     "redirect_status": "succeeded"}

    paid = stripe.PaymentIntent.retrieve(intent.id)
    assert (paid.status, paid.amount_received, paid.next_action) == ("succeeded", 2000, None)
    charge = stripe.Charge.retrieve(paid.latest_charge)
    secure = charge.payment_method_details.card.three_d_secure
    assert (charge.status, secure.result, secure.authentication_flow) == (
        "succeeded", "authenticated", "challenge")
    # The same button again (a double click): nothing more happens, the same way back.
    assert returned(customer.press("Complete authentication")) == query
    assert Charge.objects.filter(payment__public_id=intent.id).count() == 1
    assert "Authentication completed" in customer.open(customer.url).text


def test_failing_leaves_the_intent_for_another_payment_method(sdk):
    intent = challenged()
    customer = PageVisitor()
    customer.open(intent.next_action.redirect_to_url.url)
    assert returned(customer.press("Fail authentication"))["redirect_status"] == "failed"

    failed = stripe.PaymentIntent.retrieve(intent.id)
    error = failed.last_payment_error
    assert (failed.status, failed.payment_method, failed.latest_charge) == (
        "requires_payment_method", None, None)
    assert (error.type, error.code) == ("invalid_request_error",
                                        "payment_intent_authentication_failure")
    assert (error.payment_method.id, error.payment_method.card.last4) == (THREE_D_SECURE,
                                                                          "3220")
    assert "Authentication failed" in customer.open(customer.url).text
    assert stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_visa").status == (
        "succeeded")


def test_without_a_return_url_the_sdk_gets_the_page_and_the_window_may_close(sdk):
    intent = stripe.PaymentIntent.create(amount=1500, currency="eur", confirm=True,
                                         payment_method="pm_card_authenticationRequired")
    action = intent.next_action
    assert action.type == "use_stripe_sdk" and "redirect_to_url" not in action
    sdk_action = action.use_stripe_sdk
    assert sdk_action["type"] == "three_d_secure_redirect"
    customer = PageVisitor()
    assert "15.00 EUR" in customer.open(sdk_action["stripe_js"]).text
    done = customer.press("Complete authentication")
    assert done.status_code == 200 and "You can close this window" in done.text
    assert stripe.PaymentIntent.retrieve(intent.id).status == "succeeded"
    assert CardAuthentication.objects.get(public_id=sdk_action["source"]).status == (
        "completed")


def test_manual_capture_waits_for_capture_once_authenticated(sdk):
    intent = challenged(capture_method="manual")
    customer = PageVisitor()
    customer.open(intent.next_action.redirect_to_url.url)
    assert returned(customer.press("Complete authentication"))["redirect_status"] == (
        "succeeded")
    held = stripe.PaymentIntent.retrieve(intent.id)
    assert (held.status, held.amount_capturable) == ("requires_capture", 2000)
    assert stripe.PaymentIntent.capture(intent.id).status == "succeeded"


def test_an_issuer_may_decline_after_the_cardholder_authenticated(sdk):
    intent = challenged(
        payment_method="pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")
    customer = PageVisitor()
    customer.open(intent.next_action.redirect_to_url.url)
    assert returned(customer.press("Complete authentication"))["redirect_status"] == "failed"
    declined = stripe.PaymentIntent.retrieve(intent.id)
    assert declined.status == "requires_payment_method"
    assert (declined.last_payment_error.code, declined.last_payment_error.decline_code) == (
        "card_declined", "insufficient_funds")
    assert stripe.Charge.retrieve(declined.latest_charge).status == "failed"


def test_a_new_confirmation_supersedes_the_pending_authentication(sdk):
    intent = challenged()
    first = PageVisitor()
    first.open(intent.next_action.redirect_to_url.url)
    again = stripe.PaymentIntent.confirm(intent.id, payment_method=THREE_D_SECURE)
    assert again.status == "requires_action"
    assert again.next_action.redirect_to_url.url != intent.next_action.redirect_to_url.url

    stale = first.press("Complete authentication")
    assert stale.status_code == 409 and "no longer valid" in stale.text
    assert stripe.PaymentIntent.retrieve(intent.id).status == "requires_action"
    assert "no longer valid" in PageVisitor().open(intent.next_action.redirect_to_url.url).text

    second = PageVisitor()
    second.open(again.next_action.redirect_to_url.url)
    assert returned(second.press("Complete authentication"))["redirect_status"] == "succeeded"
    # Confirmed again with a card that asks for nothing, it is simply charged.
    plain = challenged()
    assert stripe.PaymentIntent.confirm(plain.id, payment_method="pm_card_visa").status == (
        "succeeded")


def test_cancelling_ends_the_authentication(sdk):
    intent = challenged()
    customer = PageVisitor()
    customer.open(intent.next_action.redirect_to_url.url)
    canceled = stripe.PaymentIntent.cancel(intent.id, cancellation_reason="abandoned")
    assert (canceled.status, canceled.next_action) == ("canceled", None)
    assert customer.press("Complete authentication").status_code == 409
    assert stripe.PaymentIntent.retrieve(intent.id).status == "canceled"
    assert "no longer valid" in customer.open(customer.url).text


def test_off_session_the_card_still_declines_without_a_page(sdk):
    customer = stripe.Customer.create()
    saved = stripe.PaymentMethod.attach(THREE_D_SECURE, customer=customer.id)
    with pytest.raises(stripe.CardError) as raised:
        stripe.PaymentIntent.create(amount=1000, currency="usd", customer=customer.id,
                                    payment_method=saved.id, off_session=True, confirm=True,
                                    return_url=RETURN_URL)
    assert raised.value.code == "authentication_required"
    assert raised.value.error.payment_intent.next_action is None


def test_a_setup_intent_saves_the_card_once_authenticated(sdk, delivered):
    received = delivered("setup_intent.requires_action", "setup_intent.succeeded",
                         "setup_intent.setup_failed")
    customer = stripe.Customer.create(email="jenny@example.com")
    setup = stripe.SetupIntent.create(customer=customer.id, payment_method=THREE_D_SECURE,
                                      confirm=True, return_url=RETURN_URL)
    assert setup.status == "requires_action"
    assert setup.next_action.redirect_to_url.return_url == RETURN_URL
    assert stripe.Customer.list_payment_methods(customer.id).data == []
    visitor = PageVisitor()
    page = visitor.open(setup.next_action.redirect_to_url.url)
    assert "Authenticate your card" in page.text and "USD" not in page.text
    query = returned(visitor.press("Complete authentication"))
    assert query == {"order": "42", "setup_intent": setup.id,
                     "setup_intent_client_secret": setup.client_secret,
                     "redirect_status": "succeeded"}
    saved = stripe.SetupIntent.retrieve(setup.id)
    [card] = stripe.Customer.list_payment_methods(customer.id).data
    assert (saved.status, saved.payment_method) == ("succeeded", card.id)

    failing = stripe.SetupIntent.create(customer=customer.id, payment_method=THREE_D_SECURE,
                                        confirm=True, return_url=RETURN_URL)
    visitor.open(failing.next_action.redirect_to_url.url)
    assert returned(visitor.press("Fail authentication"))["redirect_status"] == "failed"
    failed = stripe.SetupIntent.retrieve(failing.id)
    assert (failed.status, failed.last_setup_error.code) == (
        "requires_payment_method", "setup_intent_authentication_failure")
    assert failed.last_setup_error.payment_method.id == THREE_D_SECURE
    assert [(e.type, e.data.object.id) for e in received()] == [
        ("setup_intent.requires_action", setup.id), ("setup_intent.succeeded", setup.id),
        ("setup_intent.requires_action", failing.id),
        ("setup_intent.setup_failed", failing.id)]


def test_the_events_of_an_authenticated_payment(sdk, delivered):
    received = delivered("payment_intent.requires_action", "payment_intent.succeeded",
                         "payment_intent.payment_failed", "charge.succeeded")
    intent = challenged()
    customer = PageVisitor()
    customer.open(intent.next_action.redirect_to_url.url)
    customer.press("Complete authentication")
    events = received()
    assert [(e.type, e.data.object.id) for e in events] == [
        ("payment_intent.requires_action", intent.id),
        ("charge.succeeded", stripe.PaymentIntent.retrieve(intent.id).latest_charge),
        ("payment_intent.succeeded", intent.id)]
    waiting = events[0].data.object
    assert (waiting.status, waiting.next_action.redirect_to_url.url) == (
        "requires_action", intent.next_action.redirect_to_url.url)


def test_the_page_refuses_what_a_browser_would_not_send(sdk, live_server):
    missing = PageVisitor().open(live_server.url + "/authenticate/src_unknown/")
    assert missing.status_code == 404 and "No such authentication" in missing.text
    intent = challenged()
    url = intent.next_action.redirect_to_url.url
    forged = PageVisitor()
    forged.open(url)
    without_token = forged.session.post(url, data={"outcome": "complete"},
                                        allow_redirects=False, timeout=10)
    assert without_token.status_code == 403  # Django's CSRF protection
    token = forged.session.cookies["csrftoken"]
    odd = forged.session.post(url, data={"outcome": "maybe", "csrfmiddlewaretoken": token},
                              allow_redirects=False, timeout=10)
    assert odd.status_code == 400 and "Choose Complete authentication" in odd.text
    assert stripe.PaymentIntent.retrieve(intent.id).status == "requires_action"


def test_the_docs_example_runs_as_written(sdk, live_server):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(docs_block("stripe-3ds", "python", live_server.url), {"stripe": stripe})  # noqa: S102
    status, url = printed.getvalue().splitlines()
    assert status == "requires_action" and url.startswith(live_server.url + "/authenticate/")
    customer = PageVisitor()
    customer.open(url)
    answer = customer.press("Complete authentication")
    assert answer.headers["Location"].startswith("https://shop.example/return?payment_intent=pi_")
    assert answer.headers["Location"].endswith("&redirect_status=succeeded")


@pytest.mark.parametrize("path", ["/authenticate/%00/", "/authenticate/" + "a" * 65 + "/",
                                  "/authenticate/src_x%2F..%2F/"])
def test_an_address_that_cannot_be_an_authentication_is_no_page(client, path):
    assert client.get(path).status_code == 404
