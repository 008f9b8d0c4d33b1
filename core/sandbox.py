"""What the current request is, for the test scenarios that may shape it.

The API layer says which wire format a request came in (`begin`, `set_surface`); the
services, when a scenario shapes an operation, say so (`shaped`); the API layer then tags
the response with `Sandbox-Scenario` and holds it back for a `delay`. A context variable,
so services need no HTTP and no extra argument, and background work has no surface.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestShape:
    surface: str | None = None
    scenarios: list[str] = field(default_factory=list)  # ids of the scenarios that applied
    delay_ms: int = 0  # how long the answer waits after the work committed


_current: ContextVar[RequestShape | None] = ContextVar("sandbox_request", default=None)


def begin() -> RequestShape:
    shape = RequestShape()
    _current.set(shape)
    return shape


def end() -> None:
    _current.set(None)


def current() -> RequestShape | None:
    return _current.get()


def set_surface(name: str) -> None:
    shape = _current.get()
    if shape is not None:
        shape.surface = name


def surface() -> str | None:
    """The wire format of the request being served; None for admin, commands and tasks."""
    shape = _current.get()
    return shape.surface if shape is not None else None


def shaped(scenario_id: str, *, delay_ms: int = 0) -> None:
    shape = _current.get()
    if shape is not None:
        shape.scenarios.append(scenario_id)
        shape.delay_ms = max(shape.delay_ms, delay_ms)
