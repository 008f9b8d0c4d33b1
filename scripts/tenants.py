"""A hostile tenant against the local cluster (`make tenants`): what one account can do to the
others, measured in the production shape.

Runs inside `scripts/with-postgres scripts/with-redis scripts/cluster-run` (nginx in front of
two gunicorn instances, two task workers, PostgreSQL, Redis), which export CLUSTER_URL and
the Django settings; accounts, keys and the due work of one check are made directly in the
database. Only 127.0.0.1 is contacted; every check is bounded in time and requests. Each
check prints what it measured beside the bound it must keep, and the script exits non-zero if
one is broken. Timing claims live here, not in the test suite (`make test`).

Checks:
  delays     one account holds its maximum of delayed answers (and is refused more):
             another account's p50 stays within 1.5 times its idle p50;
  resets     a burst across test resets: the account's 200s stay within its ceiling;
  endpoints  16 endpoints on one URL: one registered, 15 refused;
  pacing     two accounts, 8 endpoints on one host, a `duplicate` scenario and a clock
             advance making a day of retries due: the host receives at most its rate;
  expand     a malformed `expand` on a Stripe create/confirm/update: nothing changed;
  advance    a clock advance over 3,000 due items answers within a second;
  members    a body of 52,000 keys is refused within 100 ms;
  health     slow and silent clients against the cluster's URL: /v1/health under 100 ms.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Account  # noqa: E402
from accounts.services import account_create, api_key_create  # noqa: E402
from payments.models import Payment, PaymentMethod, PaymentStatus  # noqa: E402

URL = os.environ.get("CLUSTER_URL") or os.environ.get("CLUSTER_URLS", "http://127.0.0.1:18000").split()[0]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SCOPES = ["payments:read", "payments:write", "refunds:write", "webhooks:manage", "api:admin"]
results: list[tuple[str, str, str, bool]] = []  # (check, measured, bound, kept)


def record(check: str, measured: str, bound: str, kept: bool) -> None:
    results.append((check, measured, bound, kept))
    print(f"[{'kept' if kept else 'BROKEN'}] {check}: {measured} (bound: {bound})", flush=True)


def tenant(name: str, keys: int = 1) -> tuple[Account, list[dict]]:
    """A fresh account and `keys` keys of it with every scope (as Bearer headers)."""
    account = account_create(name=f"{name} {uuid.uuid4().hex[:6]}")
    secrets = [api_key_create(account=account, name=name, scopes=SCOPES)[1]
               for _ in range(keys)]
    return account, [{"Authorization": f"Bearer {secret}"} for secret in secrets]


def call(method: str, path: str, headers: dict, timeout: float = 60, **kwargs):
    headers = {**headers}
    if method == "POST":
        headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
    return requests.request(method, URL + path, headers=headers, timeout=timeout, **kwargs)


def p50_ms(headers: list[dict], count: int) -> float:
    times = []
    for n in range(count):
        started = time.perf_counter()
        response = call("GET", "/v1/payments?limit=1", headers[n % len(headers)])
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        time.sleep(0.1)
    return statistics.median(times)


def check_delays() -> None:
    cap = settings.SCENARIO_DELAYS_PER_ACCOUNT
    _, hostile = tenant("Delays")
    _, other = tenant("Bystander", keys=4)
    idle = p50_ms(other, 12)
    scenario = call("POST", "/v1/test/scenarios", hostile[0], json={
        "operation": "payment.create", "outcome": "delay", "delay_ms": 12_000, "times": 50})
    assert scenario.status_code == 201, scenario.text
    body = {"amount": 10, "currency": "USD", "description": "delayed",
            "customer_email": "a@example.com"}
    with ThreadPoolExecutor(max_workers=cap + 6) as pool:
        held = [pool.submit(call, "POST", "/v1/payments", hostile[0], json=body)
                for _ in range(cap + 6)]
        time.sleep(1.5)  # the delayed ones hold their threads now
        busy = p50_ms(other, 12)
        statuses = sorted(future.result().status_code for future in held)
    refused = statuses.count(429)
    record("delays: other account's p50 while one holds its delayed answers",
           f"{busy:.1f} ms (idle {idle:.1f} ms; {statuses.count(201)} delayed, {refused} "
           f"refused 429)", "≤ 1.5 × idle", busy <= 1.5 * idle + 2 and refused == 6)


def check_resets() -> None:
    minute = settings.RATE_LIMIT_PER_MINUTE
    ceiling = minute * settings.RATE_LIMIT_ACCOUNT_MULTIPLIER
    _, keys = tenant("Resets", keys=6)
    passed, started = 0, time.monotonic()
    for round_ in range(2 * ceiling // len(keys)):
        for headers in keys:
            passed += call("GET", "/v1/payments?limit=1", headers).status_code == 200
        if round_ % 3 == 0:
            passed += call("POST", "/v1/test/reset", keys[0]).status_code == 200
        if time.monotonic() - started > 50:
            break
    record("resets: 200s of one account across resets, within a minute", str(passed),
           f"≤ its ceiling, {ceiling}", passed <= ceiling)


def check_endpoints() -> None:
    _, keys = tenant("Endpoints")
    statuses = [call("POST", "/v1/webhooks/endpoints", keys[0], json={
        "url": "https://hooks.example.com/one", "events": ["payment.completed"]}).status_code
        for _ in range(16)]
    record("endpoints: 16 registrations on one URL", f"{statuses.count(201)} registered, "
           f"{statuses.count(422)} refused", "1 registered", statuses.count(201) == 1)


class Arrivals(ThreadingHTTPServer):
    """A receiver answering 500 first (each delivery is then retried), recording arrivals."""

    def __init__(self):
        self.times: list[float] = []
        arrivals = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrivals.times.append(time.time())
                self.send_response(500 if len(arrivals.times) <= 40 else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def check_pacing() -> None:
    rate = settings.WEBHOOK_HOST_RATE_PER_SECOND
    receiver = Arrivals()
    host = f"http://127.0.0.1:{receiver.server_address[1]}"
    tenants = [tenant("Pacing")[1], tenant("Pacing")[1]]
    for keys in tenants:
        for n in range(8):
            assert call("POST", "/v1/webhooks/endpoints", keys[0], json={
                "url": f"{host}/hooks/{n}", "events": ["payment.completed"]}).status_code == 201
    call("POST", "/v1/test/scenarios", tenants[0][0], json={
        "operation": "webhook.delivery", "outcome": "duplicate", "times": 100})
    body = {"amount": 10, "currency": "USD", "description": "paced",
            "customer_email": "a@example.com"}
    for keys in tenants:
        for _ in range(3):
            assert call("POST", "/v1/payments", keys[0], json=body).status_code == 201
    time.sleep(3)
    for keys in tenants:  # a day of retries made due at once
        call("POST", "/v1/test/clock/advance", keys[0], json={"seconds": 86_400})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(receiver.times) < 100:
        time.sleep(0.5)
    receiver.shutdown()
    per_second: dict[int, int] = {}
    for moment in receiver.times:
        per_second[int(moment)] = per_second.get(int(moment), 0) + 1
    busiest = max(per_second.values(), default=0)
    record("pacing: one host's deliveries from 2 accounts, duplicates, a clock advance",
           f"{busiest} in its busiest second ({len(receiver.times)} received)",
           f"≤ {rate} + 1 a second", busiest <= rate + 1)


def check_expand() -> None:
    account, keys = tenant("Expand")
    created = call("POST", "/stripe/v1/payment_intents?expand[=1", {**keys[0], **FORM},
                   data="amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true")
    intent = call("POST", "/stripe/v1/payment_intents", {**keys[0], **FORM},
                  data="amount=2000&currency=usd&payment_method=pm_card_visa").json()
    confirmed = call("POST", f"/stripe/v1/payment_intents/{intent['id']}/confirm?expand[=1",
                     {**keys[0], **FORM}, data="")
    updated = call("POST", f"/stripe/v1/payment_intents/{intent['id']}?expand[=1",
                   {**keys[0], **FORM}, data="description=changed")
    payments = list(Payment.objects.filter(account=account).values_list("status",
                                                                          "description"))
    kept = ((created.status_code, confirmed.status_code, updated.status_code) == (400, 400, 400)
            and payments == [(PaymentStatus.REQUIRES_CONFIRMATION, "")])
    record("expand: a malformed expand on create, confirm, update",
           f"{created.status_code}/{confirmed.status_code}/{updated.status_code}, payments "
           f"{payments}", "400s, nothing changed", kept)


def check_advance() -> None:
    account, keys = tenant("Advance")
    then = timezone.now() - timedelta(minutes=5)
    Payment.objects.bulk_create(
        Payment(account=account, amount_minor=1000, currency="USD",
                status=PaymentStatus.PENDING, payment_method=PaymentMethod.BANK_TRANSFER,
                created_at=then, updated_at=then) for _ in range(3000))
    started = time.perf_counter()
    response = call("POST", "/v1/test/clock/advance", keys[0], json={"seconds": 3600})
    took = time.perf_counter() - started
    body = response.json()
    record("advance: a clock advance over 3,000 due settlements",
           f"{took:.2f} s, {body['processed']['payments_settled']} settled, "
           f"{body.get('remaining', {}).get('payments_settled')} left",
           "answers within 1 s", response.status_code == 200 and took < 1)


def check_members() -> None:
    _, keys = tenant("Members")
    body = json.dumps({f"key{n}": n for n in range(52_000)})
    started = time.perf_counter()
    response = call("POST", "/v1/payments", {**keys[0], "Content-Type": "application/json"},
                    data=body)
    took = (time.perf_counter() - started) * 1000
    record("members: a body of 52,000 keys", f"{response.status_code} in {took:.0f} ms",
           "refused within 100 ms", response.status_code == 400 and took < 100)


def check_health() -> None:
    for mode, clients in (("trickle", 10), ("silent", 24)):
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "slow_clients.py"), URL, "--clients",
             str(clients), "--seconds", "8", "--mode", mode, "--probe-timeout", "5"],
            capture_output=True, text=True, timeout=90, check=True)
        measured = json.loads(result.stdout)
        record(f"health: /v1/health beside {clients} {mode} clients",
               f"max {measured['max_s'] * 1000:.0f} ms over {measured['probes']} probes",
               "under 100 ms", measured["failed"] == 0 and measured["max_s"] < 0.1)


CHECKS = {"delays": check_delays, "resets": check_resets, "endpoints": check_endpoints,
          "pacing": check_pacing, "expand": check_expand, "advance": check_advance,
          "members": check_members, "health": check_health}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checks", nargs="*", help=f"some of: {', '.join(CHECKS)} (all)")
    names = parser.parse_args().checks or list(CHECKS)
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        parser.error(f"no such check: {', '.join(unknown)}")
    for name in names:
        CHECKS[name]()
    print(json.dumps({"tenants": [{"check": c, "measured": m, "bound": b, "kept": k}
                                  for c, m, b, k in results]}))
    return 0 if all(kept for *_, kept in results) else 1


if __name__ == "__main__":
    sys.exit(main())
