"""Cardholder authentication (3-D Secure) in the domain: who is asked (only a caller that
says where the cardholder's browser can be sent), the wait in `requires_action`, the
decision (once), what supersedes it, the events of each format, the setups, the page's
address and the admin; `/v1` and devdraft payments never wait."""

import json

import pytest

from accounts.services import clock_advance, scenario_create
from core import clock, context
from core.errors import InvalidState, NotFound, UnprocessableRequest
from core.formats import Format
from payments import selectors, services
from payments.api.stripe.rendering import payment_to_stripe
from payments.api.v1.rendering import payment_to_v1
from payments.models import CardAuthentication, Charge, Payment, PaymentStatus, Setup
from payments.pages.links import authentication_url, return_url
from tests.support.factories import make_customer, make_payment, make_stripe_payment
from webhooks_app.models import Event

S = PaymentStatus
SITE = "http://sandbox.test:8000"
THREE_D_SECURE = "pm_card_threeDSecure2Required"
pytestmark = pytest.mark.django_db


def waiting(account, **overrides) -> Payment:
    """A Stripe payment confirmed with a card that asks for authentication, the cardholder
    at a browser: `requires_action`."""
    return make_stripe_payment(account, **{
        "payment_method_id": THREE_D_SECURE, "confirm": True, "authenticate_at": SITE,
        "return_url": "https://shop.example/back", **overrides})


def fresh(payment: Payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def decide(subject, outcome: str) -> CardAuthentication:
    return services.authentication_decide(
        authentication_id=subject.pending_authentication.public_id, outcome=outcome)


def event_types(account, format_: str) -> list[str]:
    return list(Event.objects.filter(account=account, format=format_).order_by("id")
                .values_list("type", flat=True))


def test_only_a_caller_with_the_cardholder_at_a_browser_gets_an_authentication(demo):
    assert make_payment(demo, payment_method_id=THREE_D_SECURE).status == S.COMPLETED  # /v1
    no_browser = make_stripe_payment(demo, payment_method_id=THREE_D_SECURE, confirm=True)
    assert no_browser.status == S.COMPLETED
    off_session = make_stripe_payment(demo, payment_method_id=THREE_D_SECURE, confirm=True,
                                      off_session=True, authenticate_at=SITE)
    assert (off_session.status, off_session.failure_reason) == (
        S.REQUIRES_CONFIRMATION, "authentication_required")
    plain = make_stripe_payment(demo, payment_method_id="pm_card_visa", confirm=True,
                                authenticate_at=SITE)
    assert plain.status == S.COMPLETED
    assert not CardAuthentication.objects.exists()


def test_a_payment_waits_for_its_authentication_without_a_charge(demo):
    clock_advance(account=demo, seconds=3600)
    payment = waiting(demo)
    authentication = payment.pending_authentication
    assert (payment.status, payment.latest_charge_id, payment.payment_method_id) == (
        S.REQUIRES_ACTION, "", THREE_D_SECURE)
    stored = CardAuthentication.objects.get(payment=payment)
    assert stored == authentication and stored.status == "pending"
    assert (stored.return_url, stored.site_url) == ("https://shop.example/back", SITE)
    assert abs((stored.created_at - clock.now(demo)).total_seconds()) < 5  # the account's time
    assert authentication_url(stored) == f"{SITE}/authenticate/{stored.public_id}/"
    assert stored.public_id.startswith("src_")  # Stripe's name for what it made
    assert fresh(payment).pending_authentication == stored  # read back: one query
    assert not Charge.objects.filter(payment=payment).exists()
    assert event_types(demo, Format.STRIPE) == ["payment_intent.created",
                                                "payment_intent.requires_action"]
    assert event_types(demo, Format.V1) == ["payment.created"]  # /v1 has no such event
    assert payment_to_v1(fresh(payment))["status"] == "requires_action"


def test_completing_charges_it_once(demo):
    payment = waiting(demo, capture_method="manual")
    authentication = decide(payment, "completed")
    assert authentication.status == "completed" and authentication.decided_at is not None
    charged = fresh(payment)
    assert charged.status == S.AUTHORIZED and charged.capture_before is not None
    charge = Charge.objects.get(payment=payment)
    assert (charge.status, charge.authenticated_by) == ("succeeded", authentication.public_id)
    assert selectors.authentication_went_through(authentication)
    again = services.authentication_decide(authentication_id=authentication.public_id,
                                           outcome="failed")
    assert again.status == "completed"  # decided once: nothing changes
    assert (fresh(payment).status, Charge.objects.filter(payment=payment).count()) == (
        S.AUTHORIZED, 1)
    assert event_types(demo, Format.STRIPE)[-2:] == [
        "charge.succeeded", "payment_intent.amount_capturable_updated"]


def test_failing_leaves_it_for_another_method(demo):
    payment = waiting(demo)
    authentication = decide(payment, "failed")
    failed = fresh(payment)
    assert (failed.status, failed.failure_reason, failed.latest_charge_id) == (
        S.REQUIRES_CONFIRMATION, "authentication_failed", "")
    assert not selectors.authentication_went_through(authentication)
    assert payment_to_stripe(failed)["status"] == "requires_payment_method"
    assert event_types(demo, Format.V1)[-1] == "payment.failed"
    assert event_types(demo, Format.STRIPE)[-1] == "payment_intent.payment_failed"
    with pytest.raises(InvalidState):  # the method that failed is not used again by itself
        services.payment_confirm(account=demo, payment_id=payment.public_id)
    paid = services.payment_confirm(account=demo, payment_id=payment.public_id,
                                    payment_method_id="pm_card_visa", authenticate_at=SITE)
    assert paid.status == S.COMPLETED


def test_the_issuer_may_decline_once_the_cardholder_authenticated(demo):
    payment = waiting(
        demo, payment_method_id="pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")
    authentication = decide(payment, "completed")
    declined = fresh(payment)
    assert (declined.status, declined.failure_reason) == (S.REQUIRES_CONFIRMATION,
                                                          "insufficient_funds")
    assert Charge.objects.get(payment=payment).status == "failed"
    assert not selectors.authentication_went_through(authentication)


def test_a_new_confirmation_and_a_cancellation_supersede_it(demo):
    payment = waiting(demo)
    first = payment.pending_authentication
    again = services.payment_confirm(account=demo, payment_id=payment.public_id,
                                     authenticate_at=SITE)
    second = again.pending_authentication
    assert again.status == S.REQUIRES_ACTION and second != first
    assert CardAuthentication.objects.get(pk=first.pk).status == "superseded"
    stale = services.authentication_decide(authentication_id=first.public_id,
                                           outcome="completed")
    assert stale.status == "superseded" and fresh(payment).status == S.REQUIRES_ACTION
    cancelled = services.payment_cancel(account=demo, payment_id=payment.public_id)
    assert cancelled.status == S.CANCELLED and cancelled.pending_authentication is None
    assert CardAuthentication.objects.get(pk=second.pk).status == "superseded"
    with pytest.raises(InvalidState):
        services.payment_confirm(account=demo, payment_id=payment.public_id)


def test_a_card_that_asks_nothing_replaces_the_wait(demo):
    payment = waiting(demo)
    paid = services.payment_confirm(account=demo, payment_id=payment.public_id,
                                    payment_method_id="pm_card_visa", authenticate_at=SITE)
    assert (paid.status, paid.pending_authentication) == (S.COMPLETED, None)
    assert list(CardAuthentication.objects.values_list("status", flat=True)) == ["superseded"]


def test_a_scenario_declines_before_any_authentication(demo):
    scenario_create(account=demo, operation="payment.create", outcome="decline",
                    decline_code="do_not_honor")
    context.begin(surface=Format.STRIPE)  # scenarios shape the operations of requests
    try:
        declined = waiting(demo)
    finally:
        context.end()
    assert (declined.status, declined.failure_reason) == (S.REQUIRES_CONFIRMATION,
                                                          "do_not_honor")
    assert not CardAuthentication.objects.exists()


def test_deciding_needs_a_known_authentication_and_outcome(demo):
    payment = waiting(demo)
    with pytest.raises(NotFound):
        services.authentication_decide(authentication_id="src_unknown", outcome="completed")
    with pytest.raises(UnprocessableRequest):
        decide(payment, "maybe")


def test_the_return_url_keeps_its_query_and_names_the_intent(demo):
    payment = waiting(demo, return_url="https://shop.example/back?order=42#done")
    authentication = decide(payment, "completed")
    url = return_url(authentication, went_through=True)
    assert url.startswith(f"https://shop.example/back?order=42&payment_intent={payment.public_id}"
                          "&payment_intent_client_secret=")
    assert url.endswith("&redirect_status=succeeded#done")
    v1_payment = make_payment(demo)  # a format that adds nothing: redirect_status alone
    other = CardAuthentication(payment=v1_payment, return_url="https://shop.example/r")
    assert return_url(other, went_through=False) == "https://shop.example/r?redirect_status=failed"


def test_a_setup_saves_the_card_once_authenticated(demo):
    customer = make_customer(demo)
    setup = services.setup_create(account=demo, customer_id=customer.public_id,
                                  method_id=THREE_D_SECURE, confirm=True,
                                  authenticate_at=SITE, origin=Format.STRIPE)
    assert (setup.status, setup.card) == ("requires_action", None)
    authentication = decide(setup, "completed")
    saved = Setup.objects.get(pk=setup.pk)
    assert saved.status == "succeeded" and saved.card.customer == customer
    assert selectors.authentication_went_through(authentication)
    assert event_types(demo, Format.STRIPE) == [
        "customer.created", "setup_intent.created", "setup_intent.requires_action",
        "payment_method.attached", "setup_intent.succeeded"]


def test_a_setup_that_fails_or_changes_its_card_ends_the_wait(demo):
    customer = make_customer(demo)
    failing = services.setup_create(account=demo, customer_id=customer.public_id,
                                    method_id=THREE_D_SECURE, confirm=True,
                                    authenticate_at=SITE)
    decide(failing, "failed")
    failed = Setup.objects.get(pk=failing.pk)
    assert (failed.status, failed.failure_reason) == ("requires_payment_method",
                                                      "authentication_failed")
    changed = services.setup_create(account=demo, customer_id=customer.public_id,
                                    method_id=THREE_D_SECURE, confirm=True,
                                    authenticate_at=SITE)
    pending = changed.pending_authentication
    updated = services.setup_update(account=demo, setup_id=changed.public_id,
                                    method_id="pm_card_visa")
    assert updated.status == "requires_confirmation"
    assert CardAuthentication.objects.get(pk=pending.pk).status == "superseded"
    cancelled = services.setup_create(account=demo, customer_id=customer.public_id,
                                      method_id=THREE_D_SECURE, confirm=True,
                                      authenticate_at=SITE)
    services.setup_cancel(account=demo, setup_id=cancelled.public_id)
    assert cancelled.authentications.get().status == "superseded"


def test_a_test_data_reset_removes_them(demo):
    waiting(demo)
    services.payments_reset(account=demo)
    assert not CardAuthentication.objects.exists()


def test_the_admin_shows_a_payment_s_authentications_with_their_page(client, django_user_model,
                                                                      demo):
    client.force_login(django_user_model.objects.create_superuser("ops", "o@example.com", "pw"))
    payment = waiting(demo)
    authentication = payment.pending_authentication
    page = client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert "3-D Secure authentications" in page and "requires action" in page
    assert f'href="{authentication_url(authentication)}"' in page
    setup = services.setup_create(account=demo, method_id=THREE_D_SECURE, confirm=True,
                                  authenticate_at=SITE)
    page = client.get(f"/admin/payments/setup/{setup.pk}/change/").content.decode()
    assert setup.pending_authentication.public_id in page and "pending" in page
    stored = json.loads(Event.objects.filter(type="payment_intent.requires_action").get().payload)
    assert stored["data"]["object"]["next_action"]["redirect_to_url"]["url"] == (
        authentication_url(authentication))
