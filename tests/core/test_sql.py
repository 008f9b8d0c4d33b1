"""`core.sql`, the hand-written statements of the hot path, against the ORM on whichever
database the suite runs on (SQLite, and PostgreSQL in `make test-postgres`): what they write
and read must be exactly what the ORM writes and reads."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey
from api.models import IdempotencyKey, IdempotencyStatus
from core import sql
from payments.models import Payment, PaymentStatus
from tests.support.credentials import STANDARD_KEY

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def concrete(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def new_payment(account, **fields) -> Payment:
    return Payment(account=account, amount_minor=4999, currency="USD",
                   status=PaymentStatus.COMPLETED, payment_method="card",
                   metadata={"order": {"id": 7, "tags": ["a", "ü"]}, "note": None},
                   created_at=WHEN, updated_at=WHEN, **fields)


def test_insert_writes_what_the_orm_reads_back_and_sets_primary_keys(demo):
    payments = [new_payment(demo, description=f"row {n}") for n in range(3)]
    assert sql.insert(payments) is True
    assert all(p.pk and not p._state.adding for p in payments)
    for payment in payments:
        assert concrete(Payment.objects.get(pk=payment.pk)) == concrete(payment)


def test_get_with_reads_what_the_orm_reads_with_the_related_row_in_one_statement(demo):
    payment = new_payment(demo)
    sql.insert([payment])
    with CaptureQueriesContext(connection) as captured:
        read = sql.get_with(Payment, ("account",), public_id=payment.public_id,
                            account_id=demo.pk)
        assert read.account.name == demo.name  # cached: no second statement
    assert len(captured) == 1
    assert concrete(read) == concrete(Payment.objects.get(pk=payment.pk))
    assert concrete(read.account) == concrete(demo)
    assert sql.get_with(Payment, public_id=payment.public_id, account_id=demo.pk + 1) is None


def test_get_with_a_lock_is_select_for_update_where_the_database_has_it(demo):
    key = ApiKey.objects.filter(account=demo).first()
    with CaptureQueriesContext(connection) as captured:
        sql.get_with(ApiKey, lock=True, id=key.pk)
    assert captured[0]["sql"].endswith("FOR UPDATE") == connection.features.has_select_for_update


def idempotency_key(account, key: str, token: str) -> IdempotencyKey:
    return IdempotencyKey(account_id=account.pk, key=key, fingerprint="f" * 64, method="POST",
                          path="/v1/payments", status=IdempotencyStatus.IN_PROGRESS,
                          lock_token=token, locked_at=WHEN, expires_at=WHEN)


def test_insert_unless_exists_writes_a_new_row_or_returns_the_existing_one(demo):
    first = idempotency_key(demo, "k-1", "a" * 32)
    assert sql.insert_unless_exists(first, unique=("account_id", "key")) is first
    assert first.pk and IdempotencyKey.objects.get(pk=first.pk).lock_token == "a" * 32
    second = idempotency_key(demo, "k-1", "b" * 32)
    found = sql.insert_unless_exists(second, unique=("account_id", "key"))
    assert found is not second and second.pk is None
    assert concrete(found) == concrete(IdempotencyKey.objects.get(pk=first.pk))
    assert IdempotencyKey.objects.filter(key="k-1").count() == 1


def test_update_changes_only_the_matching_rows_and_counts_them(demo):
    record = idempotency_key(demo, "k-2", "c" * 32)
    sql.insert([record])
    where = {"id": record.pk, "lock_token": "wrong"}
    assert sql.update(IdempotencyKey, {"status": "completed"}, where=where) == 0
    body = b"\x00{\"id\": 1}\xff"
    changed = sql.update(IdempotencyKey, {"status": "completed", "response_body": body,
                                          "replay_after": WHEN},
                         where={"id": record.pk, "lock_token": "c" * 32})
    stored = IdempotencyKey.objects.get(pk=record.pk)
    assert changed == 1 and stored.status == "completed"
    assert bytes(stored.response_body) == body and stored.replay_after == WHEN


def test_the_api_key_of_the_demo_data_authenticates_through_the_joined_read(demo, api):
    from accounts.authentication import resolve_api_key
    principal = resolve_api_key(STANDARD_KEY)
    assert principal.account == demo and principal.account.name == demo.name
