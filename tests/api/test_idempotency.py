"""Idempotency keys on `/v1` POSTs (the dialects reuse the same mechanism)."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.tasks import default_task_backend
from django.utils import timezone

from api import idempotency
from api.models import IdempotencyKey, IdempotencyStatus
from core.json import loads
from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import v1_error
from tests.support.factories import make_account, make_api_key


def post(api, body, key="order-12345-attempt", path="/v1/payments", header="Idempotency-Key"):
    raw = body if isinstance(body, str) else json.dumps(body)
    return api.post(path, raw, content_type="application/json", headers={header: key})


def test_same_key_same_body_replays_the_first_response_byte_for_byte(api, demo):
    first = post(api, PAYMENT_BODY)
    again = post(api, PAYMENT_BODY)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert first.json()["idempotency_key"] == "order-12345-attempt"
    assert Payment.objects.count() == 1


def test_key_order_whitespace_and_trailing_zeros_do_not_matter(api, demo):
    first = post(api, PAYMENT_BODY)
    reordered = "{\n" + ", ".join(
        f'"{k}": {json.dumps(v)}' for k, v in reversed(PAYMENT_BODY.items())
    ).replace("49.99", "49.990") + "}"
    again = post(api, reordered)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content


def test_same_key_different_body_is_409_with_devdrafts_message(api, demo):
    post(api, PAYMENT_BODY)
    response = post(api, {**PAYMENT_BODY, "amount": 50})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["message"] == "Conflict: Idempotency key already used with different request data"
    assert Payment.objects.count() == 1


def test_same_key_on_another_endpoint_is_a_conflict(api, demo):
    payment_id = post(api, {**PAYMENT_BODY, "payment_method": "crypto"}).json()["id"]
    response = post(api, {}, path=f"/v1/payments/{payment_id}/cancel")
    v1_error(response, 409, type="idempotency_error", code="idempotency_key_reused")
    assert Payment.objects.get(public_id=payment_id).status == "pending"


def test_x_idempotency_key_is_an_alias(api, demo):
    post(api, PAYMENT_BODY, header="X-Idempotency-Key")
    assert post(api, PAYMENT_BODY)["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space", "bad/char", "ünïcode", ""])
def test_malformed_keys_are_400(api, demo, key):
    response = post(api, PAYMENT_BODY, key=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("key", ["abc-12", "A" * 64, "550e8400-e29b-41d4-a716-446655440000"])
def test_well_formed_keys(api, demo, key):
    response = post(api, PAYMENT_BODY, key=key)
    assert response.status_code == 201
    assert response.json()["idempotency_key"] == key


def test_validation_failure_stores_nothing_so_the_key_can_be_retried(api, demo):
    v1_error(post(api, {**PAYMENT_BODY, "currency": "XYZ"}), 422, type="validation_error",
             param="currency")
    assert not IdempotencyKey.objects.exists()
    retried = post(api, PAYMENT_BODY)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert retried.json()["currency"] == "USD"


def test_not_found_payment_method_stores_nothing(api, demo):
    v1_error(post(api, {**PAYMENT_BODY, "payment_method_id": "pm_nope"}), 404,
             type="not_found", code="resource_missing", param="payment_method_id",
             message="No such payment method: 'pm_nope'.")
    retried = post(api, PAYMENT_BODY)
    assert retried.status_code == 201 and retried.json()["payment_method_id"] is None


def test_malformed_json_stores_nothing(api, demo):
    v1_error(post(api, "{nope"), 400, code="malformed_json")
    assert not IdempotencyKey.objects.exists()


def test_a_decline_is_stored_and_replayed(api, demo):
    first = post(api, {**PAYMENT_BODY, "amount": 13})
    again = post(api, {**PAYMENT_BODY, "amount": 13})
    assert first.status_code == again.status_code == 402
    assert again.content == first.content
    assert Payment.objects.count() == 1


def test_a_state_conflict_is_stored_and_replayed(api, demo):
    payment_id = post(api, PAYMENT_BODY, key="create-1").json()["id"]
    first = post(api, {}, key="cancel-1", path=f"/v1/payments/{payment_id}/cancel")
    again = post(api, {}, key="cancel-1", path=f"/v1/payments/{payment_id}/cancel")
    v1_error(first, 409, code="invalid_state")
    assert again["Idempotent-Replayed"] == "true"
    assert (again.status_code, again.content) == (409, first.content)


def test_a_crash_stores_nothing_and_answers_a_json_500(api, demo, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("payments.services.payment_create", explode)
    response = post(api, PAYMENT_BODY)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["type"] == "api_error"
    assert b"database on fire" not in response.content
    assert b"Traceback" not in response.content
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert post(api, PAYMENT_BODY).status_code == 201


def _record(account, **fields):
    now = timezone.now()
    values = dict(
        account=account, key="order-12345-attempt",
        fingerprint=idempotency.fingerprint(
            "POST", "/v1/payments", loads(json.dumps(PAYMENT_BODY))
        ),
        method="POST", path="/v1/payments", status=IdempotencyStatus.IN_PROGRESS,
        lock_token="other", locked_at=now, expires_at=now + timedelta(hours=24),
    )
    return IdempotencyKey.objects.create(**{**values, **fields})


def test_a_key_still_in_flight_is_409_in_use(api, demo):
    _record(demo)
    response = post(api, PAYMENT_BODY)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_use"
    assert not Payment.objects.exists()


def test_a_claim_abandoned_by_a_dead_request_is_taken_over(api, demo, settings):
    _record(demo, locked_at=timezone.now() - settings.IDEMPOTENCY_LOCK_TIMEOUT * 2)
    assert post(api, PAYMENT_BODY).status_code == 201
    assert IdempotencyKey.objects.get().status == IdempotencyStatus.COMPLETED


def test_a_lost_claim_rolls_the_work_back(api, demo, monkeypatch):
    """The wrapper's reaction to a lost claim (how a claim is lost: the next test)."""
    monkeypatch.setattr("api.idempotency.complete", lambda held, response, **kw: False)
    response = post(api, PAYMENT_BODY)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_use"
    assert not Payment.objects.exists()


def test_a_stale_claim_taken_over_leaves_the_first_request_nothing_to_store(api, demo,
                                                                          settings):
    """No stubs: request A claims the key and stalls past the lock timeout; request B takes
    the claim over and completes. A's complete and release then fail on the lock token and
    leave B's stored result intact."""
    key = "stale-claim-key"
    held_a = idempotency.claim(
        account=demo, key=key, method="POST", path="/v1/payments",
        fingerprint=idempotency.fingerprint("POST", "/v1/payments",
                                            loads(json.dumps(PAYMENT_BODY))))
    stale = timezone.now() - settings.IDEMPOTENCY_LOCK_TIMEOUT - timedelta(seconds=1)
    IdempotencyKey.objects.filter(key=key).update(locked_at=stale)
    second = post(api, PAYMENT_BODY, key=key)
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert not idempotency.complete(held_a, HttpResponse(b'{"lost": true}', status=201))
    idempotency.release(held_a)
    record = IdempotencyKey.objects.get(key=key)
    assert record.status == IdempotencyStatus.COMPLETED
    assert bytes(record.response_body) == second.content
    replay = post(api, PAYMENT_BODY, key=key)
    assert replay.content == second.content and replay["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1


def test_an_expired_key_starts_afresh(api, demo):
    first = post(api, PAYMENT_BODY).json()["id"]
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    second = post(api, {**PAYMENT_BODY, "amount": 50})
    assert second.status_code == 201
    assert second.json()["id"] != first


def test_keys_are_shared_by_the_keys_of_one_account(api, demo):
    first = post(api, PAYMENT_BODY)
    again = post(client_for(ADMIN_KEY), PAYMENT_BODY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content


def test_keys_are_scoped_to_the_account(api, demo):
    other = make_account()
    theirs = client_for(make_api_key(other, ["payments:write"]).secret)
    post(api, PAYMENT_BODY)
    response = post(theirs, {**PAYMENT_BODY, "amount": 50})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert response.json()["amount"] == 50
    assert Payment.objects.filter(account=other).count() == 1


def test_purge_command_deletes_only_expired_keys(api, demo):
    post(api, PAYMENT_BODY, key="keep-this-key")
    post(api, PAYMENT_BODY, key="expire-this-key")
    IdempotencyKey.objects.filter(key="expire-this-key").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("purge_idempotency_keys", stdout=open("/dev/null", "w"))
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["keep-this-key"]


def test_the_maintenance_task_is_scheduled_about_hourly(
    api, demo, django_capture_on_commit_callbacks
):
    cache.clear()
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(api, PAYMENT_BODY, key="first-key")
        post(api, PAYMENT_BODY, key="second-key")
    purges = [r for r in default_task_backend.results
              if r.task.name == "maintenance"]
    assert len(purges) == 1


def test_a_signing_secret_is_shown_once_and_never_stored_for_replays(admin_api):
    body = {"url": "https://example.com/hook", "events": ["payment.created"]}
    first = post(admin_api, body, key="endpoint-key-1", path="/v1/webhooks/endpoints")
    again = post(admin_api, body, key="endpoint-key-1", path="/v1/webhooks/endpoints")
    secret = first.json()["secret"]
    assert first.status_code == again.status_code == 201 and secret.startswith("whsec_")
    assert again.json() == {**first.json(), "secret": None}
    assert again["Idempotent-Replayed"] == "true"
    stored = bytes(IdempotencyKey.objects.get(key="endpoint-key-1").response_body)
    assert secret.encode() not in stored and b"whsec_" not in stored


@pytest.mark.django_db(transaction=True)
def test_input_is_judged_before_the_write_transaction_opens(demo, django_assert_max_num_queries):
    """A keyed request that fails validation never began a transaction: on SQLite (whose
    transactions take the write lock when they begin) no lock was held while it was judged."""
    api = client_for(ADMIN_KEY)
    with django_assert_max_num_queries(10) as captured:
        response = post(api, {**PAYMENT_BODY, "amount": "not a number"}, key="judged-first")
    assert response.status_code == 422
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    judged = statements[:statements.index("DELETE") - 1]  # before releasing the key
    assert judged[-1] in ("INSERT", "WITH")  # the claim, then nothing until the 422
    assert "BEGIN" not in judged and "SAVEPOINT" not in judged, statements
    assert not IdempotencyKey.objects.filter(key="judged-first").exists()  # and it is free
