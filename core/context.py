"""What the request being served is, for the code below the HTTP layer that needs to know.

One typed object per request, set by the API middleware and read through `current()`: the
log lines (request id, client IP), the test scenarios (which wire format the request came
in, which scenarios shaped it and how long its answer waits), the idempotency mechanism (the
key, and the status an error was described with before its surface reworded it) and the
rate limiter (the usage the response headers report). A context variable, so services need
no HTTP and no extra argument; admin actions, commands and tasks run without one.
"""

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

    def shaped(self, scenario_id: str, *, delay_ms: int = 0) -> None:
        """A test scenario shaped this request's operation."""
        self.scenarios.append(scenario_id)
        self.delay_ms = max(self.delay_ms, delay_ms)


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
