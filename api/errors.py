"""Errors on the wire: every surface words and renders the same description in its shape.

Services raise `core.errors.ServiceError` subclasses; DRF's exceptions are translated to the
same fields (`status`, `type`, `code`, `message`, `param`, `errors`) by `describe()`, and each
surface only decides how those fields look on the wire. A 422 always lists what is wrong in
`errors`, with `field` null when no one parameter is at fault (an account's limit).

An unreachable database is an outage, not a bug: 503 `service_unavailable` with
`Retry-After`, in the surface's shape, so that clients retry (never a 500).
"""

import logging
import math
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from core.context import current
from core.errors import ServiceError

logger = logging.getLogger(__name__)

# What Django raises (wrapping psycopg's and sqlite3's) when the database cannot be reached or
# the connection broke; also its transient refusals (lock and statement timeouts).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


@dataclass
class ErrorDescription:
    status: int
    type: str
    code: str
    message: str
    param: str | None = None
    errors: list[dict] = field(default_factory=list)
    headers: dict = field(default_factory=dict)
    # Keys a format's error body adds of its own (Stripe's `decline_code`, ...).
    extra: dict = field(default_factory=dict)


_DRF_ERRORS = {
    drf.ParseError: (400, "invalid_request", "malformed_json"),
    drf.NotAuthenticated: (401, "authentication_error", "missing_credentials"),
    drf.AuthenticationFailed: (401, "authentication_error", "invalid_credentials"),
    drf.PermissionDenied: (403, "permission_error", "insufficient_scope"),
    drf.NotFound: (404, "not_found", "resource_missing"),
    drf.MethodNotAllowed: (405, "invalid_request", "method_not_allowed"),
    drf.NotAcceptable: (406, "invalid_request", "not_acceptable"),
    drf.UnsupportedMediaType: (415, "invalid_request", "unsupported_media_type"),
    drf.Throttled: (429, "rate_limit_error", "rate_limit_exceeded"),
}


def _flatten(detail, prefix: str = "") -> list[dict]:
    """Turn DRF's nested validation detail into `[{field, code, message}]`."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else f"{prefix}.{key}" if prefix else key
            items.extend(_flatten(value, name))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            nested = isinstance(value, (dict, list))
            items.extend(_flatten(value, f"{prefix}[{index}]" if nested else prefix))
        return items
    code = getattr(detail, "code", None) or "invalid_value"
    if code == "invalid":
        code = "invalid_value"
    return [{"field": prefix or None, "code": code, "message": str(detail)}]


def describe(exc: Exception) -> ErrorDescription | None:
    """What went wrong, independent of any wire format; None for unexpected exceptions (a
    database outage is expected: it is logged here, without a traceback)."""
    if isinstance(exc, ServiceError):
        errors = []
        if exc.status == 422:  # always listed: `field` null when no one parameter is at fault
            errors = [{"field": exc.param, "code": exc.code, "message": exc.message}]
        return ErrorDescription(exc.status, exc.type, exc.code, exc.message, exc.param, errors,
                                dict(exc.headers))
    if isinstance(exc, drf.ValidationError):
        errors = _flatten(exc.detail)
        fields = {e["field"] for e in errors}
        return ErrorDescription(
            422,
            "validation_error",
            errors[0]["code"] if len(errors) == 1 else "invalid_request",
            "The request contains invalid parameters.",
            param=fields.pop() if len(fields) == 1 else None,
            errors=errors,
        )
    for cls, (status, type_, code) in _DRF_ERRORS.items():
        if isinstance(exc, cls):
            headers = {}
            if isinstance(exc, drf.Throttled) and exc.wait is not None:
                headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
            return ErrorDescription(status, type_, code, str(exc.detail), headers=headers)
    if isinstance(exc, drf.APIException):
        return ErrorDescription(exc.status_code, "api_error", exc.default_code, str(exc.detail))
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.error("Database unavailable: %s: %s", type(exc).__name__, exc)
        return ErrorDescription(
            503, "api_error", "service_unavailable",
            "The service is temporarily unavailable; retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return None


class RouteNotFound(ServiceError):
    """No operation at this path: what an unknown route answers, in its surface's shape."""

    status = 404
    type = "not_found"
    code = "route_not_found"

    def __init__(self, request):
        super().__init__(f"No route matches {request.method} {request.path}.")


INTERNAL_ERROR = ErrorDescription(
    500, "api_error", "internal_error", "An unexpected error occurred. It has been logged."
)


def make_exception_handler(surface):
    """DRF's exception handler for `surface`: every known error described once, worded by
    the surface's `translate` (its statuses, codes and parameter names), rendered in its
    shape."""

    def handler(exc, context):
        error = describe(exc)
        if error is None:  # (imported here: DRF's views module reads the settings naming us)
            from rest_framework.views import exception_handler

            return exception_handler(exc, context)  # None: unexpected, becomes a 500
        request = current()
        if request is not None:  # what idempotency judges (a stored 409 Stripe shows as 400)
            request.described_status = error.status
        if surface.translate is not None:
            error = surface.translate(error, exc, context.get("view"))
        headers = dict(error.headers)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        return Response(surface.error_body(error), status=error.status, headers=headers)

    return handler


def detailed_message(error: ErrorDescription) -> str:
    """One line for shapes without an `errors` list: each field and what is wrong with it."""
    if not error.errors or error.errors[0]["message"] == error.message:
        return error.message
    return " ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in error.errors
    )


def json_error(error: ErrorDescription, surface) -> HttpResponse:
    """For errors raised outside DRF views (unknown routes, crashes, oversized bodies), in
    `surface`'s shape (`api.surfaces.Surface`)."""
    return HttpResponse(
        surface.render(surface.error_body(error)),
        status=error.status,
        headers=error.headers,
        content_type="application/json",
    )
