"""Errors on the wire: every surface renders the same description in its own shape.

Services raise `core.errors.ServiceError` subclasses; DRF's exceptions are translated to the
same fields (`status`, `type`, `code`, `message`, `param`, `errors`) by `describe()`, and each
surface only decides how those fields look on the wire.

An unreachable database is an outage, not a bug: 503 `service_unavailable` with
`Retry-After`, in the surface's shape, so that clients retry (never a 500).
"""

import logging
import math
from dataclasses import dataclass, field, replace

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.json import dumps
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
        if exc.status == 422 and exc.param:
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


INTERNAL_ERROR = ErrorDescription(
    500, "api_error", "internal_error", "An unexpected error occurred. It has been logged."
)


def v1_body(error: ErrorDescription) -> dict:
    body = {"type": error.type, "code": error.code, "message": error.message,
            "status": error.status}
    if error.param:
        body["param"] = error.param
    if error.errors:
        body["errors"] = error.errors
    return {"error": body}


def make_exception_handler(render_body, adapt=None):
    """An exception handler for DRF that renders every known error with `render_body` (after
    `adapt`, a surface's own statuses)."""

    def handler(exc, context):
        error = describe(exc)
        if error is None:
            return drf_exception_handler(exc, context)  # None: unexpected, becomes a 500
        described = error.status
        if adapt is not None:
            error = adapt(error)
        headers = dict(error.headers)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        response = Response(render_body(error), status=error.status, headers=headers)
        response.described_status = described  # what idempotency judges (a 409 kept as 400)
        return response

    return handler


def _detailed_message(error: ErrorDescription) -> str:
    """One line for shapes without an `errors` list: each field and what is wrong with it."""
    if not error.errors or error.errors[0]["message"] == error.message:
        return error.message
    return " ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in error.errors
    )


def devdraft_body(error: ErrorDescription) -> dict:
    """The devdraft (NestJS) shape of seeds 000/001."""
    return {"statusCode": error.status, "message": _detailed_message(error)}


def uqpay_body(error: ErrorDescription) -> dict:
    """The UQPay shape: a machine code and a message."""
    return {"code": error.code, "message": _detailed_message(error)}


def oauth_body(error: ErrorDescription) -> dict:
    """RFC 6749 §5.2's shape, for failures outside oauthlib (bad content type, 413, 5xx);
    a 503 is RFC 6749's `temporarily_unavailable` (§4.1.2.1)."""
    if error.status == 503:
        code = "temporarily_unavailable"
    elif error.status >= 500:
        code = "server_error"
    elif error.status == 429:
        code = "rate_limit_exceeded"
    else:
        code = "invalid_request"
    return {"error": code, "error_description": _detailed_message(error)}


class MissingResource(ServiceError):
    """An object named in a `/stripe/v1` body (not its path) that does not exist: Stripe
    answers 400 `resource_missing` with the parameter."""

    status = 400
    type = "invalid_request_error"
    code = "resource_missing"


_STRIPE_TYPES = {401: "authentication_error", 402: "card_error", 429: "rate_limit_error"}
_STRIPE_CODES = {"required": "parameter_missing", "null": "parameter_missing",
                 "blank": "parameter_missing", "invalid_value": "parameter_invalid"}


def stripe_status(error: ErrorDescription) -> ErrorDescription:
    """Stripe's statuses: what the others answer 409 (a state conflict, a reused idempotency
    key) or 422 (invalid parameters) Stripe answers 400; a key still in use stays 409."""
    if error.status == 422 or (error.status == 409 and error.code != "idempotency_key_in_use"):
        return replace(error, status=400)
    return error


def stripe_body(error: ErrorDescription) -> dict:
    """Stripe's error object: `type` from the status (or `idempotency_error`), the first
    field at fault as `param`, Stripe's codes for missing and invalid parameters."""
    if error.type == "idempotency_error":
        type_ = "idempotency_error"
    elif error.status >= 500:
        type_ = "api_error"
    else:
        type_ = _STRIPE_TYPES.get(error.status, "invalid_request_error")
    body = {"type": type_, "message": _detailed_message(error)}
    first = error.errors[0] if error.errors else None
    code = first["code"] if first and error.status in (400, 422) else error.code
    if type_ != "authentication_error":
        body["code"] = _STRIPE_CODES.get(code, code)
    param = error.param or (first and first["field"])
    if param:
        body["param"] = param
    return {"error": body}


# For views outside the surfaces (health, api-info): `REST_FRAMEWORK["EXCEPTION_HANDLER"]`.
v1_exception_handler = make_exception_handler(v1_body)


def json_error(error: ErrorDescription, render_body) -> HttpResponse:
    """For errors raised outside DRF views (unknown routes, crashes, oversized bodies)."""
    return HttpResponse(
        dumps(render_body(error)),
        status=error.status,
        headers=error.headers,
        content_type="application/json",
    )
