"""PaymentIntents in the domain: create, confirm (and decline, and confirm again), authorize
and capture (partly), cancel, release after 7 days of the account's clock; what refunds may
draw on; the events of both dialects."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.services import clock_advance
from core.errors import InvalidState, NotFound, UnprocessableRequest
from payments import services
from payments.api.stripe.rendering import payment_to_stripe
from payments.models import Payment, PaymentStatus
from payments.testcards import TEST_METHODS
from refunds.services import refund_create
from tests.support.errors import v1_error
from tests.support.factories import (
    make_account,
    make_authorized_payment,
    make_payment,
    make_stripe_payment,
)
from webhooks_app.models import Event

S = PaymentStatus
WEEK = 7 * 86400


ORDER_42 = {"description": "Order 42", "metadata": {"order_id": "42"}}


def intent(account, **overrides):
    """A PaymentIntent of 100.00 USD with pm_card_visa attached, to be confirmed."""
    return make_stripe_payment(account, **{**ORDER_42, **overrides})


def authorized(account, **overrides):
    """An intent confirmed with manual capture: authorized, nothing captured."""
    return make_authorized_payment(account, **{**ORDER_42, **overrides})


def fresh(payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def event_types(account, dialect: str) -> list[str]:
    return list(Event.objects.filter(account=account, format=dialect).order_by("id")
                .values_list("type", flat=True))


def last_event(account, dialect: str, event_type: str) -> dict:
    event = Event.objects.filter(account=account, format=dialect,
                                 type=event_type).order_by("-id").first()
    return json.loads(event.payload)["data"]["object"]


# --- create and confirm -------------------------------------------------------------------


def test_an_intent_waits_for_confirmation_and_says_so_in_both_dialects(demo):
    payment = intent(demo)
    assert payment.public_id.startswith("pi_")
    assert (payment.status, payment.amount_received_minor) == (S.REQUIRES_CONFIRMATION, 0)
    assert payment_to_stripe(payment)["status"] == "requires_confirmation"
    assert payment_to_stripe(intent(demo, payment_method_id=""))["status"] == (
        "requires_payment_method")
    assert event_types(demo, "v1") == ["payment.created", "payment.created"]
    assert event_types(demo, "stripe") == ["payment_intent.created", "payment_intent.created"]


def test_confirming_with_automatic_capture_completes_and_receives_the_amount(demo):
    payment = services.payment_confirm(account=demo, payment_id=intent(demo).public_id)
    assert (payment.status, payment.amount_received_minor) == (S.COMPLETED, 10000)
    assert fresh(payment).amount_received_minor == 10000
    rendered = payment_to_stripe(payment)
    assert (rendered["status"], rendered["amount_received"], rendered["amount_capturable"]) == (
        "succeeded", 10000, 0)
    assert event_types(demo, "v1") == ["payment.created", "payment.completed"]
    # Each confirmation makes a charge: its event comes before the intent's outcome.
    assert event_types(demo, "stripe") == ["payment_intent.created", "charge.succeeded",
                                           "payment_intent.succeeded"]
    charge = payment.charges.get()
    assert (rendered["latest_charge"], charge.status, charge.amount_captured_minor) == (
        charge.public_id, "succeeded", 10000)
    assert charge.public_id.startswith("ch_")


def test_create_and_confirm_at_once_with_manual_capture_authorizes_for_seven_days(demo):
    payment = authorized(demo)
    assert (payment.status, payment.amount_received_minor) == (S.AUTHORIZED, 0)
    assert payment.capture_before == payment.created_at + timedelta(days=7)
    rendered = payment_to_stripe(fresh(payment))
    assert (rendered["status"], rendered["amount_capturable"], rendered["capture_method"]) == (
        "requires_capture", 10000, "manual")
    assert event_types(demo, "v1") == ["payment.created", "payment.authorized"]
    assert event_types(demo, "stripe") == [
        "payment_intent.created", "charge.succeeded", "payment_intent.amount_capturable_updated"]
    assert last_event(demo, "stripe", "charge.succeeded")["captured"] is False
    # payment_intent.created shows the intent as it was created, before its confirmation.
    assert last_event(demo, "stripe", "payment_intent.created")["status"] == (
        "requires_confirmation")


@pytest.mark.parametrize(("method", "reason", "code", "decline_code"), [
    ("pm_card_chargeDeclined", "card_declined", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "card_declined",
     "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "expired_card"),
    ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", "incorrect_cvc"),
    ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error",
     "processing_error"),
])
def test_a_declined_confirmation_stays_requires_confirmation_with_its_reason(
        demo, method, reason, code, decline_code):
    payment = intent(demo, payment_method_id=method, confirm=True)
    assert (payment.status, payment.failure_reason) == (S.REQUIRES_CONFIRMATION, reason)
    assert (fresh(payment).status, fresh(payment).failure_reason) == (
        S.REQUIRES_CONFIRMATION, reason)
    rendered = payment_to_stripe(payment)
    error = rendered["last_payment_error"]
    assert (rendered["status"], rendered["payment_method"]) == ("requires_payment_method", None)
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", code, decline_code)
    # The declined method whole, as Stripe shows it: a card with its brand and last4.
    assert (error["payment_method"]["id"], error["payment_method"]["card"]["last4"],
            error["payment_method"]["billing_details"]["name"]) == (
        method, TEST_METHODS[method][-4:], None)
    assert event_types(demo, "v1") == ["payment.created", "payment.failed"]
    assert event_types(demo, "stripe") == [
        "payment_intent.created", "charge.failed", "payment_intent.payment_failed"]
    failed = last_event(demo, "stripe", "charge.failed")
    assert (failed["status"], failed["failure_code"], failed["outcome"]["reason"]) == (
        "failed", code, decline_code)
    assert last_event(demo, "stripe", "payment_intent.payment_failed")[
        "last_payment_error"]["decline_code"] == decline_code


def test_a_declined_intent_is_confirmed_again_with_another_method(demo):
    payment = intent(demo, payment_method_id="pm_card_chargeDeclined", confirm=True)
    with pytest.raises(InvalidState) as excinfo:  # the declined method is not tried again
        services.payment_confirm(account=demo, payment_id=payment.public_id)
    assert excinfo.value.code == "payment_method_missing"
    payment = services.payment_confirm(account=demo, payment_id=payment.public_id,
                                       payment_method_id="pm_card_mastercard")
    assert (payment.status, payment.failure_reason, payment.payment_method_id) == (
        S.COMPLETED, "", "pm_card_mastercard")
    assert payment_to_stripe(payment)["last_payment_error"] is None


def test_an_update_forgets_the_decline_and_attaches_a_new_method(demo):
    payment = intent(demo, payment_method_id="pm_card_chargeDeclined", confirm=True)
    payment = services.payment_update(account=demo, payment_id=payment.public_id,
                                      description="second try")
    assert (payment.failure_reason, payment.payment_method_id) == ("", "")
    assert payment_to_stripe(payment)["status"] == "requires_payment_method"
    payment = services.payment_update(account=demo, payment_id=payment.public_id,
                                      payment_method_id="pm_card_amex",
                                      metadata={"order_id": "", "try": "2"})
    assert fresh(payment).metadata == {"try": "2"}
    assert payment_to_stripe(fresh(payment))["status"] == "requires_confirmation"
    assert services.payment_confirm(account=demo,
                                    payment_id=payment.public_id).status == S.COMPLETED


def test_the_payment_method_and_customer_change_only_before_confirmation(demo):
    payment = authorized(demo)
    with pytest.raises(InvalidState):
        services.payment_update(account=demo, payment_id=payment.public_id,
                                payment_method_id="pm_card_amex")
    updated = services.payment_update(account=demo, payment_id=payment.public_id,
                                      description="still fine", customer_email="a@b.example")
    assert (updated.description, updated.customer_email) == ("still fine", "a@b.example")
    services.payment_cancel(account=demo, payment_id=payment.public_id)
    with pytest.raises(InvalidState):  # a final status
        services.payment_update(account=demo, payment_id=payment.public_id, description="x")


def test_an_unknown_customer_is_not_found(demo):
    with pytest.raises(NotFound):
        intent(demo, customer_id="cus_nobody")
    assert not Payment.objects.exists()


def test_confirming_needs_a_method_and_the_right_status(demo):
    with pytest.raises(InvalidState) as excinfo:
        intent(demo, payment_method_id="", confirm=True)
    assert excinfo.value.code == "payment_method_missing"
    assert not Payment.objects.exists()  # nothing stored
    with pytest.raises(NotFound):
        intent(demo, payment_method_id="pm_card_unknown")
    completed = services.payment_confirm(account=demo, payment_id=intent(demo).public_id)
    with pytest.raises(InvalidState) as excinfo:
        services.payment_confirm(account=demo, payment_id=completed.public_id)
    assert str(excinfo.value) == (
        f"Payment '{completed.public_id}' cannot be confirmed. Current status: 'completed'.")
    with pytest.raises(InvalidState):  # not an intent: /v1's payments are never unconfirmed
        services.payment_confirm(account=demo, payment_id=make_payment(
            demo, 500).public_id,
            payment_method_id="pm_card_visa")


def test_stripe_cards_decide_alone_on_every_surface(demo):
    # 13.00 would be declined by the amount trigger; Stripe's test cards decide alone.
    assert intent(demo, amount_minor=1300, confirm=True).status == S.COMPLETED
    v1 = make_payment(demo, 1300, payment_method_id="pm_card_visa")
    assert (v1.status, v1.public_id[:4]) == (S.COMPLETED, "pay_")
    declined = make_payment(demo, 500, payment_method_id="pm_card_chargeDeclinedExpiredCard")
    assert (declined.status, declined.failure_reason) == (S.FAILED, "expired_card")
    # No Stripe events for payments made elsewhere.
    assert event_types(demo, "stripe") == ["payment_intent.created", "charge.succeeded",
                                           "payment_intent.succeeded"]


def test_a_decline_scenario_shapes_a_confirmation(demo):
    from accounts.services import scenario_create
    from core import context

    scenario_create(account=demo, operation="payment.create", outcome="decline",
                    decline_code="lost_card")
    payment = intent(demo)
    context.begin(surface="stripe")
    try:
        payment = services.payment_confirm(account=demo, payment_id=payment.public_id)
    finally:
        context.end()
    assert (payment.status, payment.failure_reason) == (S.REQUIRES_CONFIRMATION, "lost_card")
    error = payment_to_stripe(payment)["last_payment_error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "lost_card")


# --- capture, refunds ------------------------------------------------------------------------


def test_partial_capture_then_refunds_up_to_what_was_captured(demo):
    payment = services.payment_capture(account=demo, payment_id=authorized(demo).public_id,
                                       amount_minor=6000)
    assert (payment.status, payment.amount_received_minor, payment.capture_before) == (
        S.COMPLETED, 6000, None)
    assert payment_to_stripe(payment)["amount_received"] == 6000
    refund_create(account=demo, payment_id=payment.public_id, amount=Decimal(50))
    assert (fresh(payment).status, fresh(payment).refundable_minor) == (
        S.PARTIALLY_REFUNDED, 1000)
    with pytest.raises(UnprocessableRequest) as excinfo:
        refund_create(account=demo, payment_id=payment.public_id, amount=Decimal("10.01"))
    assert excinfo.value.code == "amount_exceeds_balance"
    refund = refund_create(account=demo, payment_id=payment.public_id)  # the rest: 10.00
    assert (refund.amount_minor, fresh(payment).status) == (1000, S.REFUNDED)
    assert fresh(payment).refunded_minor == 6000
    with pytest.raises(InvalidState):
        refund_create(account=demo, payment_id=payment.public_id, amount=Decimal(1))


def test_capturing_all_by_default_and_the_amount_limits(demo):
    payment = authorized(demo)
    for amount, code in [(0, "invalid_value"), (-5, "invalid_value"),
                         (10001, "amount_too_large")]:
        with pytest.raises(UnprocessableRequest) as excinfo:
            services.payment_capture(account=demo, payment_id=payment.public_id,
                                     amount_minor=amount)
        assert excinfo.value.code == code
    captured = services.payment_capture(account=demo, payment_id=payment.public_id)
    assert captured.amount_received_minor == 10000
    with pytest.raises(InvalidState) as excinfo:
        services.payment_capture(account=demo, payment_id=payment.public_id)
    assert str(excinfo.value) == (
        f"Payment '{payment.public_id}' cannot be captured. Current status: 'completed'.")
    assert event_types(demo, "stripe")[-1] == "payment_intent.succeeded"
    assert event_types(demo, "v1")[-1] == "payment.completed"


def test_an_authorization_cannot_be_refunded_before_capture(demo):
    from core.errors import ServiceError

    payment = authorized(demo)
    with pytest.raises(ServiceError) as excinfo:
        refund_create(account=demo, payment_id=payment.public_id)
    assert excinfo.value.code == "payment_not_refundable"


def test_a_refund_of_an_intent_has_a_stripe_id_and_stripe_events(demo):
    payment = intent(demo, confirm=True, customer_email="jenny@example.com")
    refund = refund_create(account=demo, payment_id=payment.public_id, amount=Decimal(25),
                           reason="requested_by_customer")
    assert refund.public_id.startswith("re_")
    assert event_types(demo, "stripe")[-2:] == ["refund.created", "charge.refunded"]
    created = last_event(demo, "stripe", "refund.created")
    assert (created["id"], created["object"], created["amount"], created["payment_intent"],
            created["status"], created["reason"]) == (
        refund.public_id, "refund", 2500, payment.public_id, "succeeded",
        "requested_by_customer")
    charge = last_event(demo, "stripe", "charge.refunded")
    assert (charge["object"], charge["id"], charge["payment_intent"], charge["amount_captured"],
            charge["amount_refunded"], charge["refunded"]) == (
        "charge", payment.latest_charge_id, payment.public_id, 10000, 2500, False)
    assert created["charge"] == payment.latest_charge_id
    refund_create(account=demo, payment_id=payment.public_id)
    assert last_event(demo, "stripe", "charge.refunded")["refunded"] is True
    # Refunds of /v1's payments keep their ids and emit no Stripe events.
    v1 = make_payment(demo, 500)
    assert refund_create(account=demo, payment_id=v1.public_id).public_id.startswith("ref_")
    assert event_types(demo, "stripe").count("refund.created") == 2


# --- cancel and release ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["requires_confirmation", "declined", "authorized"])
def test_cancel_from_each_unfinished_state(demo, state):
    payment = {
        "requires_confirmation": lambda: intent(demo),
        "declined": lambda: intent(demo, payment_method_id="pm_card_chargeDeclined",
                                   confirm=True),
        "authorized": lambda: authorized(demo),
    }[state]()
    cancelled = services.payment_cancel(account=demo, payment_id=payment.public_id,
                                        reason="requested_by_customer")
    assert cancelled.status == S.CANCELLED
    rendered = payment_to_stripe(cancelled)
    assert (rendered["status"], rendered["cancellation_reason"], rendered["amount_capturable"]) \
        == ("canceled", "requested_by_customer", 0)
    assert rendered["canceled_at"] == int(cancelled.cancelled_at.timestamp())
    assert event_types(demo, "stripe")[-1] == "payment_intent.canceled"
    assert event_types(demo, "v1")[-1] == "payment.cancelled"
    with pytest.raises(InvalidState):
        services.payment_cancel(account=demo, payment_id=payment.public_id)


def test_free_text_cancellation_reasons_are_null_in_stripes_enum(demo):
    payment = services.payment_cancel(account=demo, payment_id=intent(demo).public_id,
                                      reason="Cancelled by ops@example.com")
    assert payment_to_stripe(payment)["cancellation_reason"] is None


def test_a_completed_intent_cannot_be_cancelled(demo):
    payment = intent(demo, confirm=True)
    with pytest.raises(InvalidState):
        services.payment_cancel(account=demo, payment_id=payment.public_id)


def test_an_uncaptured_authorization_is_released_after_seven_days_of_the_accounts_clock(demo):
    payment = authorized(demo)
    other = authorized(make_account())
    assert clock_advance(account=demo, seconds=WEEK - 60)[0]["authorizations_released"] == 0
    assert fresh(payment).status == S.AUTHORIZED
    assert clock_advance(account=demo, seconds=60)[0]["authorizations_released"] == 1
    released = fresh(payment)
    assert (released.status, released.cancellation_reason) == (S.CANCELLED, "automatic")
    assert payment_to_stripe(released)["cancellation_reason"] == "automatic"
    assert last_event(demo, "stripe", "payment_intent.canceled")["cancellation_reason"] == (
        "automatic")
    assert fresh(other).status == S.AUTHORIZED  # another account's clock did not move


def test_an_expired_authorization_cannot_be_captured(demo):
    payment = authorized(demo)
    Payment.objects.filter(pk=payment.pk).update(
        capture_before=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidState) as excinfo:
        services.payment_capture(account=demo, payment_id=payment.public_id)
    assert excinfo.value.code == "authorization_expired"


def test_the_periodic_job_releases_what_expired_by_each_accounts_clock(demo):
    expired, running = authorized(demo), authorized(demo)
    ahead = make_account(name="Ahead")
    clock_advance(account=ahead, seconds=WEEK - 30)
    expired_by_its_clock = authorized(ahead)  # its clock is ahead: expires in a week of it
    Payment.objects.filter(pk=expired.pk).update(
        capture_before=timezone.now() - timedelta(seconds=5))
    assert services.payments_release_expired(grace=timedelta(minutes=5)) == 1
    assert (fresh(expired).status, fresh(running).status) == (S.CANCELLED, S.AUTHORIZED)
    assert fresh(expired_by_its_clock).status == S.AUTHORIZED
    assert services.payments_release_expired(grace=timedelta(minutes=5)) == 0  # safe twice
    # A capture that came first wins: the release leaves a completed payment alone.
    services.payment_capture(account=demo, payment_id=running.public_id)
    assert services.payment_release(payment_id=running.public_id) is False


# --- /v1 and the migration -------------------------------------------------------------------


def test_v1_shows_and_filters_the_new_statuses(api, demo):
    waiting, held = intent(demo), authorized(demo)
    body = api.get(f"/v1/payments/{held.public_id}").json()
    assert (body["status"], body["amount"], body["payment_method_id"]) == (
        "authorized", 100.0, "pm_card_visa")
    for status, payment in [("authorized", held), ("requires_confirmation", waiting)]:
        listed = api.get(f"/v1/payments?status={status}").json()["data"]
        assert [p["id"] for p in listed] == [payment.public_id]
    assert api.get(f"/v1/payments/{waiting.public_id}/status").json()["status"] == (
        "requires_confirmation")
    cancelled = api.post(f"/v1/payments/{held.public_id}/cancel", {}, format="json")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    # A /v1 refund draws on what the intent captured.
    captured = services.payment_capture(account=demo, amount_minor=4000,
                                        payment_id=authorized(demo).public_id)
    over = api.post(f"/v1/payments/{captured.public_id}/refund", {"amount": 40.01},
                    format="json")
    error = v1_error(over, 422, type="validation_error", param="amount")
    assert "40.00 USD" in error["message"]  # what was captured, not the 100.00 authorized
    assert api.post(f"/v1/payments/{captured.public_id}/refund", {},
                    format="json").json()["amount"] == 40.0


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_settled_payments_their_whole_amount_as_received():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = "0009_authorize_and_capture"
    executor = MigrationExecutor(connection)
    before = [node.key for node in executor.loader.graph.node_map[("payments", migration)].parents
              if node.key[0] == "payments"]
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        account = apps.get_model("accounts", "Account").objects.create(name="Old")
        OldPayment = apps.get_model("payments", "Payment")
        for public_id, status, refunded in [
                ("pay_completed", "completed", 0), ("pay_partial", "partially_refunded", 100),
                ("pay_refunded", "refunded", 5000), ("pay_failed", "failed", 0),
                ("pay_pending", "pending", 0), ("pay_cancelled", "cancelled", 0)]:
            OldPayment.objects.create(public_id=public_id, account=account, amount_minor=5000,
                                      currency="USD", status=status, payment_method="card",
                                      refunded_minor=refunded)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    received = dict(Payment.objects.values_list("public_id", "amount_received_minor"))
    assert received == {"pay_completed": 5000, "pay_partial": 5000, "pay_refunded": 5000,
                        "pay_failed": 0, "pay_pending": 0, "pay_cancelled": 0}
    partial = Payment.objects.get(public_id="pay_partial")
    assert (partial.capture_method, partial.capture_before, partial.refundable_minor) == (
        "automatic", None, 4900)


# --- Stripe's shapes ----------------------------------------------------------------------------

# The keys of Stripe's published fixtures, and of the stripe package's types (package.json).
PAYMENT_INTENT_KEYS = {
    "allowed_payment_method_types", "amount", "amount_capturable", "amount_details",
    "amount_received", "application", "application_fee_amount", "automatic_payment_methods",
    "canceled_at", "cancellation_reason", "capture_method", "client_secret",
    "confirmation_method", "created", "currency", "customer", "customer_account",
    "description", "excluded_payment_method_types", "id", "last_payment_error",
    "latest_charge", "livemode", "managed_payments", "metadata", "next_action", "object",
    "on_behalf_of", "payment_method", "payment_method_configuration_details",
    "payment_method_options", "payment_method_types", "payment_record", "processing",
    "receipt_email", "review", "setup_future_usage", "shipping", "source",
    "statement_descriptor", "statement_descriptor_suffix", "status", "transfer_data",
    "transfer_group"}
REFUND_KEYS = {
    "amount", "balance_transaction", "charge", "created", "currency", "customer",
    "customer_account", "destination_details", "id", "metadata", "object", "payment_intent",
    "payment_method", "reason", "receipt_number", "source_transfer_reversal", "status",
    "transfer_reversal"}


def test_the_stripe_renderings_have_stripes_fields(demo):
    from refunds.api.stripe.rendering import refund_to_stripe

    payment = intent(demo, confirm=True, customer_email="jenny@example.com")
    rendered = payment_to_stripe(payment)
    assert set(rendered) == PAYMENT_INTENT_KEYS
    assert (rendered["object"], rendered["currency"], rendered["livemode"], rendered["metadata"],
            rendered["receipt_email"], rendered["payment_method"]) == (
        "payment_intent", "usd", False, {"order_id": "42"}, "jenny@example.com", "pm_card_visa")
    assert rendered["created"] == int(payment.created_at.timestamp())
    assert rendered["client_secret"].startswith(f"{payment.public_id}_secret_")
    assert payment_to_stripe(fresh(payment))["client_secret"] == rendered["client_secret"]
    refund = refund_create(account=demo, payment_id=payment.public_id, reason="other")
    assert set(refund_to_stripe(refund)) == REFUND_KEYS
    assert refund_to_stripe(refund)["reason"] is None  # not one of Stripe's reasons


def test_payments_made_elsewhere_render_as_intents_too(demo):
    pending = make_payment(demo, 500, "JPY", payment_method="bank_transfer")
    assert (payment_to_stripe(pending)["status"], payment_to_stripe(pending)["currency"]) == (
        "processing", "jpy")
    failed = make_payment(demo, 1300)  # the 13.00 amount trigger
    rendered = payment_to_stripe(failed)
    assert rendered["status"] == "requires_payment_method"
    assert (rendered["last_payment_error"]["code"],
            rendered["last_payment_error"]["decline_code"]) == ("card_declined",
                                                               "generic_decline")
    assert "payment_method" not in rendered["last_payment_error"]  # it had none


def test_the_stripe_words_of_each_failure_reason():
    from api.stripe.declines import decline_of as stripe_decline

    assert stripe_decline("card_declined")[:2] == ("card_declined", "generic_decline")
    assert stripe_decline("insufficient_funds")[:2] == ("card_declined", "insufficient_funds")
    assert stripe_decline("expired_card") == (
        "expired_card", "expired_card", "Your card has expired.", "exp_month")
    assert stripe_decline("incorrect_cvc")[3] == "cvc"
    assert stripe_decline("stolen_card")[:2] == ("card_declined", "stolen_card")
    assert stripe_decline("amount_exceeds_limit")[:2] == ("card_declined",
                                                          "card_velocity_exceeded")


def test_a_failed_refund_of_an_intent_has_stripes_failure_reason(demo):
    from accounts.services import scenario_create
    from core import context
    from refunds.api.stripe.rendering import refund_to_stripe

    payment = intent(demo, confirm=True)
    scenario_create(account=demo, operation="refund.create", outcome="fail",
                    decline_code="lost_card")
    context.begin(surface="stripe")
    try:
        refund = refund_create(account=demo, payment_id=payment.public_id)
    finally:
        context.end()
    rendered = refund_to_stripe(refund)
    assert (rendered["status"], rendered["failure_reason"]) == ("failed",
                                                                "lost_or_stolen_card")
    # refund.created only: nothing was refunded, so no charge.refunded.
    assert event_types(demo, "stripe")[-2:] == ["payment_intent.succeeded", "refund.created"]
    assert rendered["charge"] == payment.latest_charge_id


def test_seeded_payments_have_received_what_they_settled(demo):
    from django.db.models import F

    from refunds.seeding import payments_bulk_seed

    payments_bulk_seed(account=demo, count=300, days=30)
    settled = Payment.objects.filter(status__in=[S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED])
    assert settled.exists()
    assert not settled.exclude(amount_received_minor=F("amount_minor")).exists()
    assert not Payment.objects.exclude(pk__in=settled).exclude(amount_received_minor=0).exists()
    assert not Payment.objects.filter(refunded_minor__gt=F("amount_received_minor")).exists()
