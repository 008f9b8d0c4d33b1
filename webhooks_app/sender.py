"""One HTTP delivery of one event, signed per Standard Webhooks or as its endpoint's format
signs (`SIGNERS`, registered by the formats). No database access here."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter
from standardwebhooks.webhooks import Webhook
from urllib3 import PoolManager
from urllib3.exceptions import ConnectTimeoutError

from webhooks_app import urlsafety

USER_AGENT = "payments-sandbox-webhooks/1.0"
EXCERPT_CHARS = 1024  # of the receiver's answer, kept with the attempt
# A format's own signature: signer(secrets=, message_id=, payload=, at=) -> headers; the
# formats not named here sign per Standard Webhooks.
SIGNERS: dict[str, Callable[..., dict]] = {}


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int | None
    error: str = ""
    retry_after: int | None = None  # seconds, from the receiver's Retry-After
    # The start of the receiver's answer; "" from a non-public address (reached only with
    # WEBHOOKS_ALLOW_PRIVATE_URLS) unless WEBHOOKS_SHOW_PRIVATE_RESPONSES is on.
    body: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secrets: list[str], message_id: str, payload: str, at: datetime,
                   format: str | None = None) -> dict:
    """Standard Webhooks headers (or those of `format`'s own signer); with several secrets
    (a rotation's overlap) the signature header carries one signature each, so a receiver
    verifying with either passes."""
    signer = SIGNERS.get(format)
    if signer is not None:
        return {"User-Agent": USER_AGENT,
                **signer(secrets=secrets, message_id=message_id, payload=payload, at=at)}
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(secret).sign(message_id, at, payload)
                                      for secret in secrets),
    }


def send(*, url: str, secrets: list[str], message_id: str, payload: str,
         format: str | None = None) -> Outcome:
    """POST the payload to an address vetted once, from the one parse of `url`; redirects
    are not followed (a 3xx is a failed delivery). Of the answer, only its start is read, and
    only from an address whose answer may be kept (`_shows_answer`). Signed at each attempt
    with the wall clock's time (receivers refuse stale signatures)."""
    try:
        destination = urlsafety.vet(url)
        addresses = urlsafety.resolve(destination)
    except urlsafety.UnsafeURL as exc:
        return Outcome(None, None, f"Refused: {exc}")
    headers = signed_headers(secrets=secrets, message_id=message_id, payload=payload,
                             at=timezone.now(), format=format)
    headers["Host"] = destination.authority
    started = time.perf_counter()
    try:
        response, body = _post(destination, addresses, payload.encode(), headers)
    except requests.RequestException as exc:
        latency = int((time.perf_counter() - started) * 1000)
        return Outcome(None, latency, f"{type(exc).__name__}: {exc}"[:500])
    latency = int((time.perf_counter() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(response.status_code, latency, error, _retry_after(response), body)


def _excerpt(response: requests.Response) -> str:
    """The first `EXCERPT_CHARS` characters of the answer, reading no more than they take
    (a receiver answering gigabytes costs nothing)."""
    raw = response.raw.read(EXCERPT_CHARS * 4, decode_content=True) or b""
    return raw.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT_CHARS]


def _post(destination: urlsafety.Destination, addresses: list[str], body: bytes,
          headers: dict) -> tuple[requests.Response, str]:
    """Try the vetted addresses in the resolver's order, as clients do, moving on only when
    no connection was made (so nothing was sent)."""
    for address in addresses[:-1]:
        try:
            return _post_to(destination, address, body, headers)
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if not isinstance(reason, ConnectTimeoutError):  # refusals are subclasses
                raise
    return _post_to(destination, addresses[-1], body, headers)


def _post_to(destination: urlsafety.Destination, address: str, body: bytes,
             headers: dict) -> tuple[requests.Response, str]:
    """The response, and the start of its body (read before the connection closes; "" from
    an address whose answer is not kept)."""
    with requests.Session() as session:
        # Not from the environment: a proxy would connect in our place (and resolve the
        # name again), and .netrc would add credentials.
        session.trust_env = False
        session.mount(f"{destination.scheme}://", PinnedAdapter(destination, address))
        with session.post(destination.url, data=body, headers=headers, allow_redirects=False,
                          timeout=settings.WEBHOOK_TIMEOUT_SECONDS, stream=True) as response:
            return response, _excerpt(response) if _shows_answer(address) else ""


def _shows_answer(address: str) -> bool:
    """Whether what the receiver at `address` (the vetted address connected to) answered may
    be kept. Not from a non-public one unless WEBHOOKS_SHOW_PRIVATE_RESPONSES is on: with
    private URLs allowed, the delivery log would otherwise show what answers inside the
    sandbox's own network, to anyone who can register an endpoint."""
    return settings.WEBHOOKS_SHOW_PRIVATE_RESPONSES or urlsafety.is_public(address)


class PinnedAdapter(HTTPAdapter):
    """A transport that connects to one vetted address, whatever host a request names.

    The destination's host name stays what TLS checks (SNI and the certificate's names, as
    urllib3's `server_hostname`); the caller sends it as the Host header.
    """

    def __init__(self, destination: urlsafety.Destination, address: str):
        self.destination = destination
        self.address = address
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = _PinnedPoolManager(
            self.destination, self.address, num_pools=connections, maxsize=maxsize,
            block=block, **pool_kwargs)


class _PinnedPoolManager(PoolManager):
    def __init__(self, destination: urlsafety.Destination, address: str, **kwargs):
        super().__init__(**kwargs)
        self.destination = destination
        self.address = address

    def connection_from_host(self, host, port=None, scheme="http", pool_kwargs=None):
        """Every way requests asks for a pool (by URL or by host) arrives here."""
        pool_kwargs = {**(pool_kwargs or {}), "server_hostname": self.destination.host}
        return super().connection_from_host(self.address, self.destination.port,
                                             self.destination.scheme, pool_kwargs)


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
