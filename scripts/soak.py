"""Soak test with faults, against the local cluster (`make soak`, `make soak-short`).

Runs inside `scripts/with-postgres scripts/with-redis scripts/cluster-run`, which provide
DATABASE_URL, PG_RESTART_COMMAND, CLUSTER_URLS, CLUSTER_LOGS and the PIDs of the web
instances and of the task workers' supervisors. Only 127.0.0.1 is ever contacted; the run is
bounded in time and requests. Its clients reach the web instances directly (CLUSTER_URLS), not
through the cluster's nginx (CLUSTER_URL): each answer is then the instance's own, and a
killed gunicorn worker shows as a dropped connection, where nginx would report it as a 502
that the check of 5xx answers could not tell from the service's own.

Clients spread over both web instances create payments with idempotency keys, refund some
and cancel pending ones, retrying every failed request with the same key. A webhook
receiver is subscribed. Meanwhile one gunicorn worker and one task worker are killed with
SIGKILL (gunicorn replaces its worker; the task worker's supervisor starts it again), and
PostgreSQL is restarted once (the task workers wait it out). Nothing is run by hand
afterwards: the workers' scheduler takes back what the killed worker was running and resumes
what was lost. With TASKS_BACKEND=celery (`make soak-short TASKS=celery`) the task workers are
Celery workers: what the killed one held is handed out again by Redis once the visibility
timeout has passed (late acknowledgement), and tasks failing on the restarting database are
retried. Then it checks that nothing was lost or done twice, that no task row was left
running and that the task workers were started again only after the kill, prints the
figures, and exits non-zero if a check fails.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import requests

ADMIN = {"Authorization": "Bearer demo_key_BQokikJOvBiI2HlWgH4olfQ2"}
RETRYABLE = {409, 429, 500, 502, 503, 504}
# Payments still pending well past their settlement delay.
UNSETTLED = "SELECT count(*) FROM payments_payment WHERE status = 'pending' AND created_at < "
SETTLED_BY = "now() - interval '{} seconds'"


class Receiver:
    """Counts deliveries per webhook-id (deduplicating, as a receiver should)."""

    def __init__(self):
        self.seen: Counter = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.seen[self.headers.get("webhook-id")] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.server_errors: list[float] = []  # times of 5xx answers
        self.acknowledged: dict[str, str] = {}  # idempotency key -> payment id
        self.gave_up = 0
        self.statuses: Counter = Counter()

    def record(self, status: int | None):
        with self.lock:
            self.requests += 1
            self.statuses[status or "no answer"] += 1
            if status is not None and status >= 500:
                self.server_errors.append(time.time())


def call(stats: Stats, method: str, url: str, *, key: str, body: dict | None, deadline: float,
         headers: dict):
    """One logical request: retried with the same idempotency key until it is answered."""
    while time.time() < deadline:
        try:
            response = requests.request(method, url, json=body, timeout=10,
                                        headers={**headers, "Idempotency-Key": key})
            stats.record(response.status_code)
            if response.status_code not in RETRYABLE or (
                    response.status_code == 409
                    and response.json().get("error", {}).get("code") != "idempotency_key_in_use"):
                return response
        except requests.RequestException:
            stats.record(None)
        time.sleep(0.2 + random.random() * 0.3)
    stats.gave_up += 1
    return None


def client(stats: Stats, urls: list[str], stop: float, seed: int, auth: dict):
    rng = random.Random(seed)
    while time.time() < stop:
        url = rng.choice(urls)
        key = f"soak-{uuid.uuid4().hex}"
        method = rng.choice(["card", "card", "card", "bank_transfer"])
        body = {"amount": rng.choice([12.34, 49.99, 100.00, 250.00]), "currency": "USD",
                "description": "soak", "customer_email": "soak@example.com",
                "payment_method": method}
        response = call(stats, "POST", f"{url}/v1/payments", key=key, body=body,
                        deadline=stop + 30, headers=auth)
        if response is None or response.status_code not in (201, 402):
            continue
        payment = response.json()
        with stats.lock:
            stats.acknowledged[key] = payment["id"]
        url = rng.choice(urls)
        if payment["status"] == "completed" and rng.random() < 0.4:
            amount = rng.choice([None, 1.00, 5.00])
            call(stats, "POST", f"{url}/v1/payments/{payment['id']}/refund",
                 key=f"soak-refund-{uuid.uuid4().hex}",
                 body={} if amount is None else {"amount": amount}, deadline=stop + 30,
                 headers=auth)
        elif payment["status"] == "pending" and rng.random() < 0.5:
            call(stats, "POST", f"{url}/v1/payments/{payment['id']}/cancel",
                 key=f"soak-cancel-{uuid.uuid4().hex}", body={}, deadline=stop + 30,
                 headers=auth)


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def worker_restarts() -> int:
    """How often the supervisors started a task worker again (they log each time)."""
    logs = Path(os.environ["CLUSTER_LOGS"]).glob("worker-*.log")
    return sum(log.read_text(errors="replace").count("starting it again") for log in logs)


def inject_faults(seconds: float, log: list, started: float):
    def at(fraction):
        time.sleep(max(0.0, started + seconds * fraction - time.time()))

    at(0.25)
    web = int(next(v for k, v in sorted(os.environ.items())
                   if k.startswith("WEB_") and k.endswith("_PID")))
    victim = children(web)[0]
    os.kill(victim, signal.SIGKILL)
    log.append(("SIGKILL gunicorn worker", victim, time.time() - started))
    at(0.45)
    supervisor = int(os.environ["WORKER_1_PID"])
    [worker] = children(supervisor)
    os.kill(worker, signal.SIGKILL)  # its supervisor waits for it: no shell reports it
    log.append(("SIGKILL task worker", worker, time.time() - started))
    deadline = time.time() + 30
    while not (restarted := [pid for pid in children(supervisor) if pid != worker]):
        if time.time() > deadline:
            break
        time.sleep(0.2)
    log.append(("task worker started again by its supervisor",
                restarted[0] if restarted else "NOT", time.time() - started))
    at(0.65)
    begin = time.time()
    subprocess.run(os.environ["PG_RESTART_COMMAND"], shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    log.append(("restarted PostgreSQL", f"{time.time() - begin:.1f} s", begin - started))
    return begin


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=6)
    options = parser.parse_args()
    urls = os.environ["CLUSTER_URLS"].split()
    receiver = Receiver()
    endpoint = requests.post(f"{urls[0]}/v1/webhooks/endpoints", headers=ADMIN, timeout=10,
                             json={"url": receiver.url, "events": [
                                 "payment.created", "payment.completed", "payment.failed",
                                 "payment.cancelled", "payment.refunded", "refund.created",
                                 "refund.completed"]}).json()
    stats, faults = Stats(), []
    started = time.time()
    stop = started + options.seconds
    threads = [threading.Thread(target=client, args=(stats, urls, stop, n, ADMIN))
               for n in range(options.clients)]
    for thread in threads:
        thread.start()
    restart_began = inject_faults(options.seconds, faults, started)
    for thread in threads:
        thread.join()
    restart_window = (restart_began - 1, restart_began + 15)

    # Let the workers finish: settlements, deliveries whose attempt is due, and what the
    # killed worker was running (their scheduler takes it back: no maintenance by hand).
    settle_by = SETTLED_BY.format(int(os.environ.get("SETTLEMENT_DELAY_SECONDS", 2)) + 5)
    quiet_from = time.time()
    deadline = quiet_from + 150  # the contract: within 2 minutes
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as db:
        endpoint_pk = db.execute("SELECT id FROM webhooks_app_webhookendpoint "
                                 "WHERE public_id = %s", [endpoint["id"]]).fetchone()[0]
        while time.time() < deadline:
            due = db.execute(
                "SELECT count(*) FROM webhooks_app_delivery WHERE status = 'pending' "
                "AND endpoint_id = %s AND scheduled_for <= now()", [endpoint_pk]).fetchone()[0]
            unsettled = db.execute(UNSETTLED + settle_by).fetchone()[0]
            running = db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                 "WHERE status = 'RUNNING'").fetchone()[0]
            if not (due or unsettled or running):
                break
            time.sleep(1)
        quiet_after = time.time() - quiet_from
        figures = check(db, stats, receiver, endpoint_pk, restart_window, worker_restarts(),
                        settle_by)
    figures = {"task_engine": os.environ.get("TASKS_BACKEND") or "database",
               "seconds_until_all_work_done": round(quiet_after, 1), **figures}
    report(stats, faults, figures)
    sys.exit(0 if figures["ok"] else 1)


def check(db, stats, receiver, endpoint_pk, window, restarts: int, settle_by: str) -> dict:
    acknowledged = stats.acknowledged
    rows = dict(db.execute(
        "SELECT public_id, count(*) FROM payments_payment WHERE public_id = ANY(%s) "
        "GROUP BY public_id", [list(acknowledged.values())]).fetchall())
    lost = [pid for pid in acknowledged.values() if rows.get(pid, 0) == 0]
    duplicates = db.execute(
        "SELECT count(*) FROM (SELECT idempotency_key FROM payments_payment "
        "WHERE idempotency_key LIKE 'soak-%%' GROUP BY idempotency_key "
        "HAVING count(*) > 1) d").fetchone()[0]
    over_refunded = db.execute(
        "SELECT count(*) FROM payments_payment p WHERE p.refunded_minor > p.amount_minor OR "
        "p.refunded_minor <> (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds_refund r "
        "WHERE r.payment_id = p.id)").fetchone()[0]
    events = db.execute(
        "SELECT e.public_id, "
        "bool_or(d.status = 'succeeded'), bool_or(d.status = 'pending') "
        "FROM webhooks_app_event e JOIN webhooks_app_delivery d ON d.event_id = e.id "
        "WHERE d.endpoint_id = %s GROUP BY e.public_id", [endpoint_pk]).fetchall()
    emitted = db.execute(
        "SELECT count(*) FROM webhooks_app_event e JOIN webhooks_app_webhookendpoint w "
        "ON w.account_id = e.account_id WHERE w.id = %s AND e.created_at >= w.created_at",
        [endpoint_pk]).fetchone()[0]
    delivered = sum(1 for event_id, *_ in events if receiver.seen[event_id])
    scheduled = sum(1 for event_id, _, pending in events
                    if pending and not receiver.seen[event_id])
    undelivered = emitted - delivered - scheduled
    stray_5xx = [t for t in stats.server_errors if not window[0] <= t <= window[1]]
    unsettled = db.execute(UNSETTLED + settle_by).fetchone()[0]
    running = db.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                         "WHERE status = 'RUNNING' AND started_at < now() - interval '1 minute'"
                         ).fetchone()[0]
    return {
        "acknowledged": len(acknowledged), "lost": len(lost), "duplicates": duplicates,
        "over_refunded": over_refunded, "events": emitted, "delivered": delivered,
        "scheduled_for_retry": scheduled, "undelivered": undelivered,
        "deliveries_received": sum(receiver.seen.values()),
        "5xx_in_restart_window": len(stats.server_errors) - len(stray_5xx),
        "5xx_outside": len(stray_5xx),
        "unsettled": unsettled, "task_rows_left_running": running,
        "task_worker_restarts": restarts,  # only the one killed on purpose
        "ok": not lost and not duplicates and not over_refunded and undelivered == 0
        and not stray_5xx and not unsettled and not running and restarts == 1,
    }


def report(stats: Stats, faults: list, figures: dict):
    print("\nfaults injected:")
    for name, what, at in faults:
        print(f"  t={at:6.1f} s  {name} ({what})")
    print(f"\nrequests sent: {stats.requests} (logical requests given up: {stats.gave_up})")
    print("  answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(
        stats.statuses.items(), key=lambda item: str(item[0]))))
    for name, value in figures.items():
        print(f"  {name}: {value}")
    print(json.dumps({"soak": figures, "requests": stats.requests}))


if __name__ == "__main__":
    main()
