"""Forward the sandbox's events to an app on your machine, like `stripe listen`.

    python -m webhooks_app.listen --forward-to http://localhost:3000/hooks \
        [--base-url http://127.0.0.1:8000] [--api-key KEY] [--events payment.created,...] \
        [--dialect standard|stripe]

It speaks only HTTP to the sandbox (local or remote: no database, no Django settings), so an
app behind NAT receives events from a shared sandbox. It polls `GET /v1/webhooks/events`
with a key holding `payments:read`, and forwards each event created after it started, once,
signed per Standard Webhooks with its own secret (printed at start), retrying a failed
forward with backoff. With `--dialect stripe` it forwards the Stripe-dialect events instead
(`GET /stripe/v1/events`), signed with `Stripe-Signature` as Stripe signs them (each
dialect's events are listed only on its own surface). One line per forward; SIGINT or
SIGTERM stops it cleanly. A sandbox that cannot be reached is polled again until it
answers; one that refuses the key ends it with exit status 2.
"""

import argparse
import base64
import hashlib
import hmac
import os
import secrets
import signal
import sys
import threading
import time
from datetime import UTC, datetime

import requests
import simplejson
from standardwebhooks.webhooks import Webhook

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEMO_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"  # the README's demo key (payments:read)
RETRY_DELAYS = (1.0, 2.0, 4.0)  # before each retry of a failed forward
PAGE_SIZE = 100
TIMEOUT = 5.0
REFUSED = 2


class KeyRefused(Exception):
    """The sandbox answered 401 or 403: retrying will not help."""


STANDARD, STRIPE = "standard", "stripe"


class Sandbox:
    """The sandbox's events API of one dialect, read with an API key."""

    def __init__(self, base_url: str, api_key: str, dialect: str = STANDARD):
        self.base_url = base_url.rstrip("/")
        self.dialect = dialect
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def events(self, after: str | int) -> dict:
        """One page of events, newest first, after the cursor (`next_cursor`); their
        numbers kept exactly as the sandbox wrote them (the body forwarded is the body
        delivered)."""
        if self.dialect == STRIPE:
            url, params = f"{self.base_url}/stripe/v1/events", {"limit": PAGE_SIZE}
            if after:
                params["starting_after"] = after
        else:
            url = f"{self.base_url}/v1/webhooks/events"
            params = {"limit": PAGE_SIZE, "offset": after or 0}
        response = self.session.get(url, params=params, timeout=TIMEOUT)
        if response.status_code in (401, 403):
            raise KeyRefused(f"HTTP {response.status_code}: {response.text[:200]}")
        response.raise_for_status()
        return simplejson.loads(response.content, use_decimal=True)

    def next_cursor(self, page: dict, after: str | int) -> str | int:
        if self.dialect == STRIPE:
            return page["data"][-1]["id"]
        return (after or 0) + len(page["data"])


class Forwarder:
    def __init__(self, sandbox: Sandbox, forward_to: str, secret: str, types: set[str],
                 stop: threading.Event, out=sys.stdout):
        self.sandbox = sandbox
        self.forward_to = forward_to
        self.secret = secret
        self.signer = Webhook(secret)
        self.types = types
        self.stop = stop
        self.out = out
        self.known: set[str] | None = None  # ids of events not to forward (again)
        self.forwarder = requests.Session()

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def new_events(self) -> list[dict]:
        """Events the sandbox has that are not known yet, oldest first: walking from the
        newest until a known one (the first call only learns what already exists)."""
        fresh, cursor = [], None
        while True:
            page = self.sandbox.events(cursor)
            for event in page["data"]:
                if self.known is not None and event["id"] in self.known:
                    return self._learn(fresh)
                fresh.append(event)
            if not page["has_more"] or self.known is None:
                return self._learn(fresh)
            cursor = self.sandbox.next_cursor(page, cursor)

    def _learn(self, fresh: list[dict]) -> list[dict]:
        if self.known is None:  # at start: these existed before us
            self.known = {event["id"] for event in fresh}
            return []
        self.known.update(event["id"] for event in fresh)
        return [e for e in reversed(fresh) if not self.types or e["type"] in self.types]

    def forward(self, event: dict) -> None:
        """POST the event, signed; a few tries with backoff; one line for the outcome."""
        body = simplejson.dumps(event, use_decimal=True, separators=(",", ":"),
                                ensure_ascii=False)
        for attempt, delay in enumerate((0.0, *RETRY_DELAYS), start=1):
            if delay and self.stop.wait(delay):
                return
            now = datetime.now(UTC)
            headers = self.signed_headers(event["id"], now, body)
            started = time.perf_counter()
            try:
                status = self.forwarder.post(self.forward_to, data=body.encode(),
                                             headers=headers, timeout=TIMEOUT).status_code
                outcome = str(status)
            except requests.RequestException as exc:
                status, outcome = None, type(exc).__name__
            latency = int((time.perf_counter() - started) * 1000)
            retry = "" if attempt == 1 else f"  (try {attempt})"
            self.say(f"{now:%Y-%m-%dT%H:%M:%SZ}  {outcome:>5}  {event['type']:<18}  "
                     f"{event['id']}  {latency} ms{retry}")
            if status is not None and 200 <= status < 300:
                return
        self.say(f"Gave up on {event['id']} after {attempt} tries.")

    def signed_headers(self, event_id: str, now: datetime, body: str) -> dict:
        if self.sandbox.dialect == STRIPE:
            # As Stripe signs (and stripe.Webhook.construct_event verifies): HMAC-SHA256 of
            # "{t}.{body}" keyed by the whole secret string.
            timestamp = int(now.timestamp())
            signature = hmac.new(self.secret.encode(), f"{timestamp}.{body}".encode(),
                                 hashlib.sha256).hexdigest()
            return {"Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": f"t={timestamp},v1={signature}"}
        return {"Content-Type": "application/json", "webhook-id": event_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": self.signer.sign(event_id, now, body)}

    def run(self, interval: float) -> int:
        unreachable = False
        while not self.stop.is_set():
            try:
                events = self.new_events()
            except KeyRefused as refused:
                self.say(f"The sandbox refused the API key ({refused}). Pass --api-key (or "
                         "set SANDBOX_API_KEY) with a key that holds payments:read.")
                return REFUSED
            except (requests.RequestException, ValueError) as exc:
                if not unreachable:
                    self.say(f"Sandbox unreachable at {self.sandbox.base_url} "
                             f"({type(exc).__name__}); still polling every {interval:g} s.")
                unreachable = True
            else:
                if unreachable:
                    self.say("Sandbox reachable again.")
                unreachable = False
                for event in events:
                    if self.stop.is_set():
                        break
                    self.forward(event)
            self.stop.wait(interval)
        self.say("Stopped.")
        return 0


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webhooks_app.listen",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--forward-to", required=True, help="Your app's webhook URL.")
    parser.add_argument("--base-url", default=os.environ.get("SANDBOX_BASE_URL",
                                                             DEFAULT_BASE_URL))
    parser.add_argument("--api-key", default=os.environ.get("SANDBOX_API_KEY", DEMO_KEY),
                        help="A key with payments:read (default: $SANDBOX_API_KEY, else the "
                        "demo key). Prefer the variable for a real key: a command line is "
                        "visible to every user of the machine (ps).")
    parser.add_argument("--events", default="",
                        help="Comma-separated event types to forward (default: all).")
    parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
    parser.add_argument("--dialect", choices=[STANDARD, STRIPE], default=STANDARD,
                        help="Which events: /v1's, signed per Standard Webhooks (default), "
                        "or /stripe/v1's, signed with Stripe-Signature.")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    secret = new_secret()
    forwarder = Forwarder(Sandbox(args.base_url, args.api_key, args.dialect), args.forward_to,
                          secret,
                          {t.strip() for t in args.events.split(",") if t.strip()}, stop)
    forwarder.say(f"Ready. Signing secret: {secret}")
    forwarder.say(f"Forwarding events from {args.base_url} to {args.forward_to}.")
    return forwarder.run(args.interval)


if __name__ == "__main__":
    sys.exit(main())
