"""The benchmark: the service in its production configuration against the framework's ceiling.

Run by `make bench` (full) and `make bench-short` (a few seconds per endpoint, as CI does),
inside `scripts/with-postgres scripts/with-redis`, which provide DATABASE_URL and REDIS_URL.
It starts two gunicorn servers with identical settings — the service and `bench/baseline`,
a minimal Django + DRF app inserting one row per POST — drives both with wrk at 16
connections after a warm-up, and prints a table. Everything it starts, it stops by PID.
"""

import argparse
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import oauth_setup
import psycopg
import stripe_setup

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
STANDARD_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"
AUTH = f"Authorization: Bearer {STANDARD_KEY}"
DEVDRAFT_AUTH = ["x-client-key: demo_client_standard", f"x-client-secret: {STANDARD_KEY}"]
FORM_TYPE = "Content-Type: application/x-www-form-urlencoded"  # (post.lua's default: JSON)
PAYMENT = {"amount": 49.99, "currency": "USD", "description": "Benchmark order",
           "customer_email": "bench@example.com", "metadata": {"order_id": "bench"}}
DEVDRAFT_PAYMENT = {"amount": 49.99, "currency": "USD", "description": "Benchmark order",
                    "customerId": "cus_bench"}
# The service's production configuration but TLS: rate limits on, every request counted in
# Redis, with ceilings no benchmark reaches (what is measured is the counting): the default
# formats' pair and Stripe's own per-second limit (the "Stripe" rows).
SERVICE_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost", "CONN_MAX_AGE": "60", "RATELIMIT_ENABLE": "1",
    "RATE_LIMIT_PER_MINUTE": "1000000000", "RATE_LIMIT_PER_SECOND": "1000000000",
    "STRIPE_RATE_LIMIT_PER_SECOND": "1000000000", "PAGE_POSTS_PER_MINUTE": "1000000000",
    "ALLOW_DEMO_DATA": "1", "LOG_LEVEL": "WARNING", "SECURE_SSL_REDIRECT": "0",
}
ROW = {"amount": 4999, "currency": "USD", "description": "Benchmark order",
       "email": "bench@example.com", "metadata": {"order_id": "bench"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


class Server:
    """A gunicorn with the deployed settings (deploy/gunicorn.conf.py: threaded workers, 2
    unless told otherwise), the settings both servers share; no worker recycling mid-run."""

    def __init__(self, name: str, app: str, env: dict, cwd: Path, health: str, workers: int):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log",
                                               delete=False)
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", app, "--config", str(GUNICORN_CONF),
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--max-requests", "0", "--log-level", "warning"],
            cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url + health, timeout=2)
                return
            except urllib.error.HTTPError:
                return  # answering (a 405 on the baseline's POST-only route is fine)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{name} did not start: {Path(self.log.name).read_text()[-3000:]}")

    def rss_mb(self) -> float:
        """Master and workers together."""
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(self.proc.pid),
                              "-p", str(self.proc.pid)], capture_output=True, text=True)
        return sum(int(x) for x in out.stdout.split()) / 1024

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
        os.unlink(self.log.name)


def wrk(url: str, script: str, args: list[str], seconds: int, connections: int) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "-s", str(BENCH / "lua" / script), url, "--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rate, "p50": latency(out, "50%"), "p99": latency(out, "99%"),
            "non2xx": int(errors.group(1)) if errors else 0}


def latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by process `root` and its descendants (Linux /proc): the
    living ones' own, and what they reaped (PostgreSQL backends that ended, say)."""
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = sum(int(f) for f in fields[11:15])  # u/s time, reaped u/s, in ticks
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    return sum(cpu.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manage(env: dict, *args: str) -> str:
    if args[0] == "shell":
        args = (*args, "--no-imports")
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="2 s per endpoint, no 1M run")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--large", type=int, default=1_000_000,
                        help="payments for the cost-with-data run (0: skip)")
    options = parser.parse_args()
    seconds, warmup = (2, 1) if options.short else (options.seconds, 3)
    large = 0 if options.short else options.large

    database_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS baseline")
        conn.execute("CREATE DATABASE baseline")
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    # Whose CPU a request costs: the servers', PostgreSQL's (its postmaster's tree), Redis's
    # and wrk's, all on this machine.
    postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    redis_pid = int(os.environ.get("REDIS_SERVER_PID", "0"))
    service_env = {**os.environ, **SERVICE_SETTINGS, "REDIS_URL": redis_url}
    baseline_env = {**os.environ, "DATABASE_URL": with_database(database_url, "baseline"),
                    "PYTHONPATH": str(BENCH / "baseline")}
    print("preparing: migrate, demo data, 10,000 payments", flush=True)
    manage(service_env, "migrate", "--noinput", "-v0")
    manage(service_env, "seed_demo")
    manage(service_env, "seed_volume", "--payments", "10000")
    analyze = ("from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")
    manage(service_env, "shell", "-c", analyze)  # what autovacuum would do: fresh statistics
    subprocess.run([PYTHON, "-m", "django", "migrate", "--run-syncdb", "-v0"],
                   cwd=BENCH / "baseline", check=True,
                   env={**baseline_env, "DJANGO_SETTINGS_MODULE": "baseline.settings"})
    counts = json.loads(subprocess.run(
        [PYTHON, str(BENCH / "count_queries.py")],
        cwd=ROOT, env=service_env, check=True, capture_output=True, text=True,
    ).stdout)

    ids = json.loads(manage(service_env, "shell", "-c", (
        "import json; from payments.models import Payment; print(json.dumps(list("
        "Payment.objects.filter(status='completed', currency='USD', amount_minor__gte=1000)"
        ".values_list('public_id', flat=True)[:2000])))")))
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    (tmp / "payment.json").write_text(json.dumps(PAYMENT))
    (tmp / "devdraft.json").write_text(json.dumps(DEVDRAFT_PAYMENT))
    (tmp / "row.json").write_text(json.dumps(ROW))
    (tmp / "refund.json").write_text(json.dumps({"amount": 0.01}))
    (tmp / "checkout.form").write_text(stripe_setup.CHECKOUT_FORM)
    (tmp / "refunds.txt").write_text("".join(f"/v1/payments/{i}/refund\n" for i in ids))
    (tmp / "get.txt").write_text("".join(f"/v1/payments/{i}\n" for i in ids[:500]))
    (tmp / "list.txt").write_text("/v1/payments?per_page=20\n")
    (tmp / "stripe-search.txt").write_text(stripe_setup.SEARCH + "\n")

    servers = []
    try:
        service = Server("service", "config.wsgi:application", service_env, ROOT, "/v1/health",
                         options.workers)
        servers.append(service)
        baseline = Server("baseline", "baseline.wsgi:application", baseline_env,
                          BENCH / "baseline", "/rows", options.workers)
        servers.append(baseline)
        replay_key = "bench-replay-key"
        request = urllib.request.Request(
            service.url + "/v1/payments", data=json.dumps(PAYMENT).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": AUTH.split(": ")[1],
                     "Idempotency-Key": replay_key})
        urllib.request.urlopen(request, timeout=10)
        # Single-use codes for the code exchange; they expire 600 s after minting, and the
        # token runs come second and third below, well within that.
        oauth = oauth_setup.prepare(service_env, tmp, seconds=max(seconds, warmup))
        stripe = stripe_setup.prepare(service_env, tmp, seconds=max(seconds, warmup))

        runs = {
            "baseline: POST one row": (baseline.url + "/rows", "post.lua",
                                        [str(tmp / "row.json")]),
            "create payment (idempotency key)": (service.url + "/v1/payments", "post.lua",
                                                 [str(tmp / "payment.json"), AUTH,
                                                  "Idempotency-Key: fresh"]),
            "OAuth token: client_credentials": (service.url + "/v1/oauth/token",
                                                "token_client_credentials.lua",
                                                oauth["client_credentials_args"]),
            "OAuth token: authorization_code + PKCE": (service.url + "/v1/oauth/token",
                                                       "token_authorization_code.lua",
                                                       oauth["authorization_code_args"]),
            "idempotent replay": (service.url + "/v1/payments", "post.lua",
                                  [str(tmp / "payment.json"), AUTH,
                                   f"Idempotency-Key: {replay_key}"]),
            "get payment": (service.url, "paths.lua", [str(tmp / "get.txt"), "GET", "-", AUTH]),
            "list payments (20)": (service.url, "paths.lua",
                                   [str(tmp / "list.txt"), "GET", "-", AUTH]),
            "refund 0.01": (service.url, "paths.lua",
                            [str(tmp / "refunds.txt"), "POST", str(tmp / "refund.json"), AUTH]),
            "devdraft create": (service.url + "/api/v0/test-payment", "post.lua",
                                [str(tmp / "devdraft.json"), *DEVDRAFT_AUTH,
                                 "Idempotency-Key: fresh"]),
            "Stripe confirm": (service.url, "once.lua", [*stripe["confirm_args"], AUTH]),
            "Stripe capture": (service.url, "once.lua", [*stripe["capture_args"], AUTH]),
            "Checkout create": (service.url + "/stripe/v1/checkout/sessions", "post.lua",
                                [str(tmp / "checkout.form"), AUTH, FORM_TYPE,
                                 "Idempotency-Key: fresh"]),
            "Checkout pay": (service.url, "once.lua", stripe["checkout_pay_args"]),
            "Stripe search": (service.url, "paths.lua",
                              [str(tmp / "stripe-search.txt"), "GET", "-", AUTH]),
        }
        results = {}
        for name, (url, script, args) in runs.items():
            server = baseline if name.startswith("baseline") else service
            wrk(url, script, args, warmup, options.connections)
            before = (tree_cpu(server.proc.pid), tree_cpu(postmaster),
                      tree_cpu(redis_pid) if redis_pid else 0.0, children_cpu())
            results[name] = wrk(url, script, args, seconds, options.connections)
            after = (tree_cpu(server.proc.pid), tree_cpu(postmaster),
                     tree_cpu(redis_pid) if redis_pid else 0.0, children_cpu())
            requests = results[name]["rps"] * seconds
            results[name]["cpu"] = [(b - a) / requests * 1000 for a, b in zip(before, after,
                                                                                strict=True)]
            results[name]["rss"] = server.rss_mb()
            print(f"  {name}: {results[name]['rps']:.0f} req/s", flush=True)

        large_results = {}
        if large:
            print(f"seeding up to {large:,} payments", flush=True)
            manage(service_env, "seed_volume", "--payments", str(large - 10_000), "--seed", "8")
            manage(service_env, "shell", "-c", analyze)
            for name in ("get payment", "list payments (20)"):
                url, script, args = runs[name]
                wrk(url, script, args, warmup, options.connections)
                large_results[name] = wrk(url, script, args, seconds, options.connections)
    finally:
        for server in servers:
            server.stop()

    print(table(results, counts, seconds, options.connections, options.workers))
    print(cpu_table(results))
    if large_results:
        print(large_table(results, large_results, large))
    print(targets_table(results, large_results))


QUERY_KEYS = {"create payment (idempotency key)": "create", "idempotent replay": "replay",
              "get payment": "get", "list payments (20)": "list", "refund 0.01": "refund",
              "devdraft create": "devdraft", "Stripe confirm": "stripe_confirm",
              "Stripe capture": "stripe_capture", "Stripe search": "stripe_search",
              "Checkout create": "checkout_create", "Checkout pay": "checkout_pay",
              "OAuth token: client_credentials": "token_client_credentials",
              "OAuth token: authorization_code + PKCE": "token_authorization_code"}
CREATE = "create payment (idempotency key)"
# The performance targets (issue 19): (what, goal, measured value, met), from one run.
TARGETS = [
    ("create with key", "≥ 0.60 × baseline", lambda r, b: r[CREATE]["rps"] / b, 0.60),
    ("create with key, p99", "≤ 50 ms", lambda r, b: r[CREATE]["p99"], -50),
    ("idempotent replay", "≥ 0.85 × baseline", lambda r, b: r["idempotent replay"]["rps"] / b,
     0.85),
    ("get payment", "≥ 0.85 × baseline", lambda r, b: r["get payment"]["rps"] / b, 0.85),
    ("list payments (20)", "≥ 0.60 × baseline",
     lambda r, b: r["list payments (20)"]["rps"] / b, 0.60),
    ("refund", "≥ 0.50 × baseline", lambda r, b: r["refund 0.01"]["rps"] / b, 0.50),
    ("devdraft create vs /v1 create", "≥ 0.90 ×",
     lambda r, b: r["devdraft create"]["rps"] / r[CREATE]["rps"], 0.90),
    ("token: client_credentials", "≥ 0.50 × create",
     lambda r, b: r["OAuth token: client_credentials"]["rps"] / r[CREATE]["rps"], 0.50),
    ("token: authorization_code", "≥ 0.50 × create",
     lambda r, b: r["OAuth token: authorization_code + PKCE"]["rps"] / r[CREATE]["rps"], 0.50),
]
LARGE_TARGET = 1.10  # p50 with 1M payments at most this times the p50 with 10k


def targets_table(results, large_results) -> str:
    """Each target: met or missed in this run (a negative bound is a ceiling)."""
    base = results["baseline: POST one row"]["rps"]
    lines = ["\nTargets\n", "| target | goal | measured | |", "|---|---|---:|---|"]
    for what, goal, measure, bound in TARGETS:
        value = measure(results, base)
        met = value <= -bound if bound < 0 else value >= bound
        lines.append(f"| {what} | {goal} | {value:.2f} | {'met' if met else 'MISSED'} |")
    for name, r in large_results.items():
        ratio = r["p50"] / results[name]["p50"]
        lines.append(f"| {name} at 1M rows | p50 ≤ {LARGE_TARGET:.2f} × at 10k | {ratio:.2f} "
                     f"| {'met' if ratio <= LARGE_TARGET else 'MISSED'} |")
    return "\n".join(lines)


def table(results, counts, seconds, connections, workers) -> str:
    base = results["baseline: POST one row"]["rps"]
    model = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
    if model == "gthread":
        model += f" x {os.environ.get('GUNICORN_THREADS', '4')} threads"
    lines = [f"\n{workers} {model} workers per server "
             f"(deploy/gunicorn.conf.py), {connections} connections, {seconds} s per "
             "endpoint after a warm-up; "
             "queries = data statements (statements incl. BEGIN/COMMIT/SAVEPOINT)\n",
             "| endpoint | req/s | p50 ms | p99 ms | × baseline | queries | server RSS MB "
             "| non-2xx |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        key = QUERY_KEYS.get(name)
        queries = (f"{counts[key]['queries']} ({counts[key]['statements']})" if key
                   else "1 (1)")
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                     f"{r['rps'] / base:.2f} | {queries} | {r['rss']:.0f} | {r['non2xx']} |")
    return "\n".join(lines)


def cpu_table(results) -> str:
    """Where a request's CPU goes (all on one 2-core machine: what the servers do not use,
    PostgreSQL, Redis and wrk do)."""
    lines = ["\nCPU ms per request (same runs)\n",
             "| endpoint | server | PostgreSQL | Redis | wrk | total |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{ms:.2f}" for ms in r["cpu"])
                     + f" | {sum(r['cpu']):.2f} |")
    return "\n".join(lines)


def large_table(results, large_results, large) -> str:
    lines = [f"\nCost with data: 10,000 vs {large:,} payments\n",
             "| endpoint | p50 ms at 10k | p50 ms at 1M | ratio | req/s at 1M |",
             "|---|---:|---:|---:|---:|"]
    for name, r in large_results.items():
        small = results[name]
        lines.append(f"| {name} | {small['p50']:.1f} | {r['p50']:.1f} | "
                     f"{r['p50'] / small['p50']:.2f} | {r['rps']:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
