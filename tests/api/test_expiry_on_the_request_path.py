"""Idempotency keys that have expired but are not purged yet: the request path itself must
judge them (by the account's clock, within the account), not rely on the clean-up job having
deleted them first."""

import uuid
from datetime import timedelta

from django.utils import timezone

from api.models import IdempotencyKey
from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY, client_for
from tests.support.factories import make_account, make_api_key


def create(client, key, **overrides):
    return client.post("/v1/payments", {**PAYMENT_BODY, **overrides}, format="json",
                       headers={"Idempotency-Key": key})


def test_an_expired_key_runs_anew_within_its_own_account_never_replaying_anothers(demo):
    """Another account's live record under the same key must not be found: the request runs
    anew, for its own account."""
    key = f"shared-{uuid.uuid4().hex[:8]}"
    other = make_account()
    theirs = create(client_for(make_api_key(other).secret), key)
    assert theirs.status_code == 201
    ours = client_for(STANDARD_KEY)
    assert create(ours, key).status_code == 201
    IdempotencyKey.objects.filter(account=demo, key=key).update(
        expires_at=timezone.now() - timedelta(seconds=1))  # expired, not purged
    again = create(ours, key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert again.json()["id"] != theirs.json()["id"]
    assert Payment.objects.get(public_id=again.json()["id"]).account == demo
    assert Payment.objects.filter(account=demo).count() == 2


def test_a_key_expires_by_the_accounts_clock_not_the_wall_clock(demo):
    """24 h later by the account's clock (its clock moved, the purge has not run) the key is
    free: the same key with another body runs, instead of a 409."""
    api = client_for(STANDARD_KEY)
    first = create(api, "clock-expiry-1")
    assert first.status_code == 201
    demo.clock_offset_seconds = 25 * 3600
    demo.save(update_fields=["clock_offset_seconds"])  # no due work ran: the row is there
    assert IdempotencyKey.objects.filter(account=demo, key="clock-expiry-1").exists()
    again = create(api, "clock-expiry-1", description="Another order")
    assert again.status_code == 201, again.content
    assert again.json()["id"] != first.json()["id"]
    assert again.json()["description"] == "Another order"
