"""The sandbox clock: each account's own time, what reads it, and the work that becomes due
when it is advanced."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_payment
from webhooks_app.models import Event

CLOCK = "/v1/test/clock"


def advance(admin_api, seconds):
    response = admin_api.post(f"{CLOCK}/advance", {"seconds": seconds}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def parsed(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def test_a_new_clock_shows_the_wall_clock(admin_api):
    body = admin_api.get(CLOCK).json()
    assert body["object"] == "test_clock" and body["offset_seconds"] == 0
    assert abs((parsed(body["now"]) - timezone.now()).total_seconds()) < 5


def test_advancing_moves_the_accounts_time_and_reports_the_work_done(admin_api):
    body = advance(admin_api, 3600)
    assert body["offset_seconds"] == 3600
    assert abs((parsed(body["now"]) - timezone.now()).total_seconds() - 3600) < 5
    assert body["processed"] == {"payments_settled": 0, "authorizations_released": 0,
                                 "checkout_sessions_expired": 0, "webhook_attempts": 0,
                                 "endpoints_disabled": 0, "idempotency_keys_expired": 0}
    assert body["remaining"] == {"payments_settled": 0, "authorizations_released": 0,
                                 "checkout_sessions_expired": 0, "webhook_attempts": 0}
    assert advance(admin_api, 60)["offset_seconds"] == 3660  # it adds up; it never goes back


def test_an_advance_does_bounded_work_and_says_what_is_left(admin_api, demo, settings,
                                                           count_queries):
    """However much became due, one advance runs `CLOCK_ADVANCE_MAX_ITEMS` items (oldest
    first) and counts the rest; the next advance (one second) runs the next batch."""
    settings.CLOCK_ADVANCE_MAX_ITEMS = 5
    pending = [make_payment(demo, payment_method="bank_transfer") for _ in range(12)]
    with count_queries(statements=60, queries=45):  # 5 settlements, whatever is due
        body = advance(admin_api, 3600)
    assert (body["processed"]["payments_settled"], body["remaining"]["payments_settled"]) == (
        5, 7)
    settled = {p.public_id for p in Payment.objects.filter(status="completed")}
    assert settled == {p.public_id for p in pending[:5]}  # the oldest first
    body = advance(admin_api, 1)
    assert (body["processed"]["payments_settled"], body["remaining"]["payments_settled"]) == (
        5, 2)
    assert advance(admin_api, 1)["remaining"]["payments_settled"] == 0


@pytest.mark.parametrize("seconds", [0, -60, 2_592_001, "60", 1.5, None])
def test_only_forward_and_at_most_thirty_days_at_once(admin_api, seconds):
    response = admin_api.post(f"{CLOCK}/advance", {"seconds": seconds}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "seconds"


def test_new_objects_carry_the_accounts_time(admin_api, api):
    advance(admin_api, 86400)
    payment = api.post("/v1/payments", PAYMENT_BODY, format="json").json()
    tomorrow = timezone.now() + timedelta(days=1)
    for stamp in (payment["created_at"], payment["updated_at"]):
        assert abs((parsed(stamp) - tomorrow).total_seconds()) < 5
    refund = api.post(f"/v1/payments/{payment['id']}/refund", {}, format="json").json()
    assert abs((parsed(refund["created_at"]) - tomorrow).total_seconds()) < 5
    event = Event.objects.filter(object_id=payment["id"]).first()
    assert abs((event.created_at - tomorrow).total_seconds()) < 5
    after = (timezone.now() + timedelta(hours=12)).isoformat()
    assert api.get("/v1/payments", {"created_after": after}).json()["total_count"] == 1


def test_pending_payments_settle_when_their_delay_has_passed(admin_api, api, settings):
    settings.SETTLEMENT_DELAY_SECONDS = 30
    pending = api.post("/v1/payments", {**PAYMENT_BODY, "payment_method": "bank_transfer"},
                       format="json").json()["id"]
    assert advance(admin_api, 10)["processed"]["payments_settled"] == 0
    assert Payment.objects.get(public_id=pending).status == "pending"
    assert advance(admin_api, 25)["processed"]["payments_settled"] == 1
    settled = api.get(f"/v1/payments/{pending}").json()
    assert settled["status"] == "completed"
    assert Event.objects.filter(type="payment.completed", object_id=pending).exists()


def test_idempotency_keys_expire_by_the_accounts_clock(admin_api, api):
    key = {"Idempotency-Key": "clock-key-1"}
    first = api.post("/v1/payments", PAYMENT_BODY, format="json", headers=key)
    assert first.status_code == 201
    different = {**PAYMENT_BODY, "amount": 12.34}
    v1_error(api.post("/v1/payments", different, format="json", headers=key), 409,
             type="idempotency_error", code="idempotency_key_reused")
    assert advance(admin_api, 86400)["processed"]["idempotency_keys_expired"] == 1
    fresh = api.post("/v1/payments", different, format="json", headers=key)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh
    assert fresh.json()["id"] != first.json()["id"] and fresh.json()["amount"] == 12.34


def test_another_accounts_clock_and_work_are_untouched(admin_api, demo, settings):
    settings.SETTLEMENT_DELAY_SECONDS = 30
    other = make_account()
    theirs = make_payment(other, 5000, "USD", payment_method="crypto")
    assert advance(admin_api, 3600)["processed"]["payments_settled"] == 0
    assert Payment.objects.get(pk=theirs.pk).status == "pending"
    other.refresh_from_db()
    assert other.clock_offset_seconds == 0


def test_an_advance_is_idempotent_like_every_post(admin_api):
    key = {"Idempotency-Key": f"advance-{uuid.uuid4()}"}
    first = admin_api.post(f"{CLOCK}/advance", {"seconds": 60}, format="json", headers=key)
    again = admin_api.post(f"{CLOCK}/advance", {"seconds": 60}, format="json", headers=key)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert admin_api.get(CLOCK).json()["offset_seconds"] == 60
