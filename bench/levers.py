"""Each lever of the create path measured on its own: the library or ORM way against the way
the service now takes, in-process, on the benchmark's PostgreSQL and Redis. Run by
`make bench-levers` (inside `scripts/with-postgres scripts/with-redis`).

Times are the best of five rounds of 300 calls: what one request saves on that step, before
the database's own work (a round trip both ways pay) is added.
"""

import os
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import SERVICE_SETTINGS, STANDARD_KEY  # noqa: E402

os.environ.update(SERVICE_SETTINGS)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account, ApiKey, hash_secret  # noqa: E402
from api import ratelimit  # noqa: E402
from api.models import IdempotencyKey  # noqa: E402
from core import sql, transactions  # noqa: E402
from payments.models import Payment  # noqa: E402
from webhooks_app.models import Event  # noqa: E402

call_command("migrate", verbosity=0)
call_command("seed_demo", stdout=open(os.devnull, "w"))
ACCOUNT = Account.objects.get(public_id="acct_demo")
SECRET_HASH = hash_secret(STANDARD_KEY)
REQUEST = SimpleNamespace(method="POST")
RULES = ratelimit.MINUTE_AND_BURST.rules(REQUEST)
CEILING = ratelimit.MINUTE_AND_BURST.rules(REQUEST, account=True)


def best_us(call, rounds: int = 5, calls: int = 300) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - started) / calls * 1e6)
    return best


def claim_row() -> IdempotencyKey:
    now = timezone.now()
    return IdempotencyKey(account_id=ACCOUNT.pk, key=uuid.uuid4().hex, fingerprint="f" * 64,
                          method="POST", path="/v1/payments", status="in_progress",
                          lock_token=uuid.uuid4().hex, locked_at=now, expires_at=now)


def claim_orm():
    # what the claim was: a read for a completed record, then an INSERT
    IdempotencyKey.objects.filter(account=ACCOUNT, key="absent", status="completed").first()
    claim_row().save()


def claim_sql():
    sql.insert_unless_exists(claim_row(), unique=("account_id", "key"))


RECORD = claim_row()
RECORD.save()
DONE = {"status": "completed", "lock_token": "", "response_status": 201,
        "response_body": b'{"id": "pay_x"}' * 30, "response_content_type": "application/json"}


def payment() -> Payment:
    now = timezone.now()
    return Payment(account=ACCOUNT, amount_minor=4999, currency="USD", status="completed",
                   payment_method="card", metadata={"order_id": "bench"}, created_at=now,
                   updated_at=now)


def events(payment_id: str) -> list[Event]:
    return [Event(account_id=ACCOUNT.pk, type=t, object_id=payment_id, payload="{}",
                  created_at=timezone.now()) for t in ("payment.created", "payment.completed")]


def nested(savepoint: bool):
    def run():
        with transaction.atomic(savepoint=savepoint):
            pass
    return run


def in_transaction(call):
    def run():
        with transaction.atomic():
            call()
    return run


def in_all_or_nothing(call):
    def run():
        with transactions.all_or_nothing():
            call()
    return run


LEVERS = [
    ("authentication: key + account", lambda: ApiKey.objects.select_related("account").get(
        secret_hash=SECRET_HASH), lambda: sql.get_with(ApiKey, ("account",),
                                                       secret_hash=SECRET_HASH)),
    ("rate limits: four rules", lambda: (ratelimit._usages(REQUEST, "apikey:1", RULES),
                                         ratelimit._usages(REQUEST, "account:1", CEILING)),
     lambda: ratelimit._counted_by_script(
         ratelimit._redis_client(ratelimit.caches["default"]), ratelimit.caches["default"],
         [("apikey:1", RULES), ("account:1", CEILING)])),
    ("idempotency: look + claim", claim_orm, claim_sql),
    ("idempotency: store the response",
     lambda: IdempotencyKey.objects.filter(pk=RECORD.pk, lock_token="x").update(**DONE),
     lambda: sql.update(IdempotencyKey, DONE, where={"id": RECORD.pk, "lock_token": "x"})),
    ("payment INSERT", lambda: payment().save(), lambda: sql.insert([payment()])),
    ("events INSERT (2 rows)", lambda: Event.objects.bulk_create(events("pay_x")),
     lambda: sql.insert(events("pay_x"))),
    ("service transaction inside the request's", in_transaction(nested(True)),
     in_all_or_nothing(nested(False))),
]


def main():
    if ratelimit._redis_client(ratelimit.caches["default"]) is None:
        sys.exit("bench/levers.py needs Redis (REDIS_URL)")
    print("| lever | library / ORM µs | now µs | saved µs |")
    print("|---|---:|---:|---:|")
    for name, before, after in LEVERS:
        old, new = best_us(before), best_us(after)
        print(f"| {name} | {old:.0f} | {new:.0f} | {old - new:.0f} |")


if __name__ == "__main__":
    main()
