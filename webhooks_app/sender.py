"""One HTTP delivery of one event, signed per Standard Webhooks. No database access here."""

import time
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from webhooks_app.urlsafety import UnsafeURL, check_url

USER_AGENT = "payments-sandbox-webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int | None
    error: str = ""
    retry_after: int | None = None  # seconds, from the receiver's Retry-After

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secret: str, message_id: str, payload: str, at: datetime) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, payload),
    }


def send(*, url: str, secret: str, message_id: str, payload: str) -> Outcome:
    """POST the payload; redirects are not followed (a 3xx is a failed delivery)."""
    try:
        check_url(url, resolve=True)
    except UnsafeURL as exc:
        return Outcome(None, None, f"Refused: {exc}")
    headers = signed_headers(secret=secret, message_id=message_id, payload=payload,
                             at=timezone.now())
    started = time.perf_counter()
    try:
        response = requests.post(
            url, data=payload.encode(), headers=headers, allow_redirects=False,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        latency = int((time.perf_counter() - started) * 1000)
        return Outcome(None, latency, f"{type(exc).__name__}: {exc}"[:500])
    latency = int((time.perf_counter() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(response.status_code, latency, error, _retry_after(response))


def _retry_after(response) -> int | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return int(value)
    try:
        return max(0, int((parsedate_to_datetime(value) - timezone.now()).total_seconds()))
    except (TypeError, ValueError):
        return None
