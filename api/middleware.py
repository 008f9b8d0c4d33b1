"""Cross-cutting HTTP behaviour of every API surface."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import request_finished
from django.dispatch import receiver

from api import metrics
from api.client_ip import client_ip
from api.errors import INTERNAL_ERROR, ErrorDescription, describe, json_error
from api.surfaces import surface_of
from core import context, sandbox
from core.periodic import schedule_maintenance

logger = logging.getLogger("api.requests")
SCENARIO_HEADER = "Sandbox-Scenario"

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

REQUEST_TOO_LARGE = ErrorDescription(
    413, "invalid_request", "request_too_large", "The request body must not exceed 1 MiB."
)
NUL_IN_REQUEST = ErrorDescription(
    400, "invalid_request", "invalid_characters",
    "The path, query string and headers must not contain NUL characters.",
)
SUSPICIOUS_REQUEST = ErrorDescription(
    400, "invalid_request", "bad_request", "The request is malformed (for example, too many "
    "query parameters)."
)


def _request_id(request) -> str:
    supplied = request.headers.get("X-Request-Id", "")
    return supplied if _CLIENT_REQUEST_ID.match(supplied) else f"req_{uuid.uuid4().hex}"


def _shaped(response, request_context: context.RequestContext) -> None:
    """A response shaped by a test scenario says so; a `delay` holds it back, after the work
    committed (the client's timeout after a charge went through)."""
    if request_context.scenarios:
        response[SCENARIO_HEADER] = ", ".join(dict.fromkeys(request_context.scenarios))
    if request_context.delay_ms:
        try:
            time.sleep(request_context.delay_ms / 1000)
        finally:
            if request_context.delay_slot is not None:
                sandbox.release_delay_slot(request_context.delay_slot)


class RequestContextMiddleware:
    """Request id (`X-Request-Id`, and Stripe's `Request-Id`: the same value), timing and API
    version headers, and the surface's own (`Surface.response_headers`); JSON errors on API
    paths; and, about hourly, the maintenance task (traffic is its clock, see
    `core.periodic`).

    On API paths no error ever becomes an HTML page: oversized bodies are refused before
    any view reads them, an unreachable database is the surface's 503, and other uncaught
    exceptions become the surface's 500 body (the traceback goes to the log, tagged with the
    request id, never to the client).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_context = context.begin(request_id=_request_id(request),
                                        client_ip=client_ip(request) or "-")
        try:
            surface = surface_of(request)
            response = (
                self._too_large(request, surface)
                or self._nul_characters(request, surface)
                or self.get_response(request)
            )
            _shaped(response, request_context)
            elapsed = time.perf_counter() - started
            metrics.observe_request(request, response, elapsed)
            response["X-Request-Id"] = response["Request-Id"] = request_context.request_id
            response["X-Response-Time"] = f"{elapsed * 1000:.2f}"
            response["X-API-Version"] = settings.API_VERSION
            if surface is not None and surface.response_headers is not None:
                for name, value in surface.response_headers(request).items():
                    response[name] = value
            try:
                schedule_maintenance()
            except Exception:  # the answer is ready: a database outage must not make it a 500
                logger.exception("Could not schedule maintenance")
            return response
        except BaseException:
            context.end()
            raise


    def _too_large(self, request, surface):
        if surface is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return json_error(REQUEST_TOO_LARGE, surface)
        return None

    def _nul_characters(self, request, surface):
        """PostgreSQL cannot store NUL: refuse it here rather than fail with a 500 later."""
        if surface is None:
            return None
        header_values = (v for v in request.headers.values())
        query = request.META.get("QUERY_STRING", "")
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or any("\x00" in value for value in header_values)
        ):
            return json_error(NUL_IN_REQUEST, surface)
        return None

    def process_exception(self, request, exception):
        surface = surface_of(request)
        if surface is None:
            return None
        request_context = context.current()
        request_id = request_context.request_id if request_context is not None else "-"
        if isinstance(exception, RequestDataTooBig):
            return json_error(REQUEST_TOO_LARGE, surface)
        if isinstance(exception, SuspiciousOperation):
            logger.warning("Suspicious request %s: %s", request_id, exception)
            return json_error(SUSPICIOUS_REQUEST, surface)
        error = describe(exception)  # e.g. the database is unreachable: 503
        if error is not None:
            return json_error(error, surface)
        logger.exception("Unhandled error in request %s", request_id)
        return json_error(INTERNAL_ERROR, surface)


@receiver(request_finished)
def _end_request_context(**kwargs):
    """The request is over once its response is closed (Django logs a 4xx or 5xx before
    that, with the request's id): what runs next in this thread is no part of it."""
    context.end()
