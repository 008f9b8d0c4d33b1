"""Idempotency keys under real parallelism: several gunicorn processes on one PostgreSQL.

The contract (docs/idempotency.md): one key → at most one execution. A request that
arrives while the first is still running gets 409 `idempotency_key_in_use`; one that arrives
after it gets the stored response replayed byte for byte; a different body gets 409.
"""

import json
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from django.db import connection

from payments.models import Payment
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import STANDARD_KEY
from tests.support.live_server import run_gunicorn

WORKERS = 4
REQUEST_TIMEOUT = 30
IN_USE = "idempotency_key_in_use"
REUSED = "idempotency_key_reused"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: gunicorn workers must share the test database "
        "(run with scripts/with-postgres)",
    ),
    pytest.mark.django_db(transaction=True),
]


@dataclass(frozen=True)
class Outcome:
    index: int
    status: int
    replayed: bool
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def error_code(self) -> str | None:
        try:
            return self.json["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def kind(self) -> str:
        if self.status == 201:
            return "201_replayed" if self.replayed else "201_original"
        if self.status == 409:
            return f"409_{self.error_code}"
        return f"{self.status}{'_replayed' if self.replayed else ''}"

    def __repr__(self):
        return f"<#{self.index} {self.kind}: {self.body[:300]!r}>"


def fire(url: str, requests_to_send: list[tuple[str, dict]]) -> list[Outcome]:
    """POST each (idempotency key, body) at once from its own thread; outcomes in order."""
    barrier = threading.Barrier(len(requests_to_send), timeout=REQUEST_TIMEOUT)

    def send(index: int, key: str, body: dict) -> Outcome:
        barrier.wait()
        response = requests.post(
            f"{url}/v1/payments",
            json=body,
            headers={"Authorization": f"Bearer {STANDARD_KEY}", "Idempotency-Key": key},
            timeout=REQUEST_TIMEOUT,
        )
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        return Outcome(index, response.status_code, replayed, response.content)

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        futures = [
            pool.submit(send, index, key, body)
            for index, (key, body) in enumerate(requests_to_send)
        ]
        return [future.result(timeout=REQUEST_TIMEOUT * 2) for future in futures]


def summary(label: str, outcomes: list[Outcome]) -> str:
    counts = Counter(outcome.kind for outcome in outcomes)
    line = f"[{label}] " + " ".join(f"{kind}={n}" for kind, n in sorted(counts.items()))
    print(line)
    return line


def new_key() -> str:
    return f"conc-{uuid.uuid4().hex}"


def test_same_key_same_body_runs_once(demo):
    key = new_key()
    with run_gunicorn(workers=WORKERS) as server:
        outcomes = fire(server, [(key, PAYMENT_BODY)] * 20)
    line = summary("same key, same body x20", outcomes)

    for outcome in outcomes:
        assert outcome.kind in {"201_original", "201_replayed", f"409_{IN_USE}"}, (
            f"unexpected outcome {outcome!r}; {line}"
        )
    originals = [o for o in outcomes if o.kind == "201_original"]
    assert len(originals) == 1, f"expected exactly one execution; {line}; {originals!r}"
    original = originals[0]
    payment_id = original.json["id"]
    assert payment_id.startswith("pay_")
    for outcome in outcomes:
        if outcome.kind == "201_replayed":
            assert outcome.body == original.body, (
                f"replay differs from the original:\n{original.body!r}\n{outcome.body!r}"
            )
        if 200 <= outcome.status < 300:
            assert outcome.json["id"] == payment_id

    payments = Payment.objects.filter(account=demo, idempotency_key=key)
    assert list(payments.values_list("public_id", flat=True)) == [payment_id]


def test_different_keys_never_conflict(demo):
    keys = [new_key() for _ in range(20)]
    with run_gunicorn(workers=WORKERS) as server:
        outcomes = fire(server, [(key, PAYMENT_BODY) for key in keys])
    line = summary("20 different keys", outcomes)

    assert all(o.kind == "201_original" for o in outcomes), f"{line}; {outcomes!r}"
    ids = {o.json["id"] for o in outcomes}
    assert len(ids) == 20, f"payment ids are not distinct: {sorted(ids)}"
    stored = Payment.objects.filter(account=demo, idempotency_key__in=keys)
    assert stored.count() == 20
    assert set(stored.values_list("public_id", flat=True)) == ids
    assert {p.idempotency_key for p in stored} == set(keys)


def test_same_key_different_bodies_one_payment(demo):
    key = new_key()
    body_a = PAYMENT_BODY
    body_b = {**PAYMENT_BODY, "amount": 12.34, "description": "A different order"}
    # Interleave so that neither body gets a head start.
    batch = [(key, body_a if i % 2 == 0 else body_b) for i in range(20)]
    with run_gunicorn(workers=WORKERS) as server:
        outcomes = fire(server, batch)
    line = summary("same key, two bodies x10", outcomes)

    originals = [o for o in outcomes if o.kind == "201_original"]
    assert len(originals) == 1, f"expected exactly one execution; {line}; {outcomes!r}"
    original = originals[0]
    winner = batch[original.index][1]
    payment_id = original.json["id"]

    for outcome in outcomes:
        if batch[outcome.index][1] is winner:
            assert outcome.kind in {"201_original", "201_replayed", f"409_{IN_USE}"}, (
                f"winning body: unexpected outcome {outcome!r}; {line}"
            )
            if outcome.kind == "201_replayed":
                assert outcome.body == original.body
        else:
            assert outcome.kind in {f"409_{REUSED}", f"409_{IN_USE}"}, (
                f"other body: unexpected outcome {outcome!r}; {line}"
            )

    payments = list(Payment.objects.filter(account=demo, idempotency_key=key))
    assert [p.public_id for p in payments] == [payment_id], f"{line}; {payments!r}"
    assert payments[0].amount_minor == Decimal(str(winner["amount"])) * 100
