"""What the request being served is, for the code below the HTTP layer that needs to know.

One typed object per request, set by the API middleware and read through `current()`: the
log lines (request id, client IP), the test scenarios (which wire format the request came
in, which scenarios shaped it and how long its answer waits), the idempotency mechanism (the
key, and the status an error was described with before its surface reworded it), the rate
limiter (the usage the response headers report) and the events recorded meanwhile (the API
call that caused them: `cause()`). A context variable, so services need no HTTP and no extra
argument; commands and tasks run without one.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = "-"
    client_ip: str = "-"
    surface: str | None = None  # the wire format (`core.formats.Format`) it came in
    idempotency_key: str | None = None
    scenarios: list[str] = field(default_factory=list)  # ids of the scenarios that applied
    delay_ms: int = 0  # how long the answer waits after the work committed
    delay_slot: str | None = None  # the account's delay slot that wait holds (a cache key)
    rate_limit: object | None = None  # the credential's usage (`api.ratelimit.Usage`)
    described_status: int | None = None  # an error's status before its surface reworded it
    automatic: bool = False  # what runs now happens by itself (`automatic()`)

    def shaped(self, scenario_id: str, *, delay_ms: int = 0) -> None:
        """A test scenario shaped this request's operation."""
        self.scenarios.append(scenario_id)
        self.delay_ms = max(self.delay_ms, delay_ms)


@dataclass(frozen=True)
class Cause:
    """The API call that caused what is happening now: its request id and idempotency key
    (what Stripe's events name as their `request`). Both None (`AUTOMATIC`): no call did."""

    request_id: str | None = None
    idempotency_key: str | None = None


AUTOMATIC = Cause()

_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def begin(**values) -> RequestContext:
    context = RequestContext(**values)
    _current.set(context)
    return context


def end() -> None:
    _current.set(None)


def current() -> RequestContext | None:
    """The request being served; None outside requests (admin, commands, tasks)."""
    return _current.get()


def surface() -> str | None:
    """The wire format of the request being served; None outside API requests."""
    context = _current.get()
    return context.surface if context is not None else None


def cause() -> Cause:
    """The API call being served (a request of a surface's views), or AUTOMATIC: outside
    requests (tasks, commands), in the admin's, and inside `automatic()`."""
    context = _current.get()
    if context is None or context.surface is None or context.automatic:
        return AUTOMATIC
    return Cause(context.request_id, context.idempotency_key)


@contextmanager
def automatic():
    """What runs inside happens by itself, not as the request being served asked (the work a
    sandbox clock advance makes due): `cause()` is AUTOMATIC there."""
    context = _current.get()
    before = context.automatic if context is not None else False
    if context is not None:
        context.automatic = True
    try:
        yield
    finally:
        if context is not None:
            context.automatic = before
