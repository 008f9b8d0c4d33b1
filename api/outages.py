"""A database outage on the HTML pages (the admin, the landing and docs pages): 503 with a
plain page and `Retry-After`, and one log line without a traceback, never Django's 500 page.

The API paths already answer an outage in their surface's shape
(`api.middleware.RequestContextMiddleware.process_exception`); every other path is served
here the same way, the outage recognised as `api.errors` recognises it
(`DATABASE_UNAVAILABLE`, logged once by `describe`).

Two ways in, one page:

- `DatabaseOutageMiddleware.process_exception`: the database access of a view, which is where
  the session and the user behind `request.user` are loaded (lazily, on first use: the admin's
  permission check), and where the admin queries and renders. It sits before the session and
  authentication middleware in `MIDDLEWARE`.
- `server_error`, the URLconf's `handler500`: what a middleware raised itself, outside any
  view (the session saved on the way out, after the database went away mid-request). Django
  turns that into a 500 before an outer middleware could see the exception; this handler
  answers the outage instead, in the path's shape, and marks the answer logged so that
  Django's own "Internal Server Error" line and its traceback are not written.
"""

import sys

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from api.errors import DATABASE_UNAVAILABLE, describe, json_error
from api.surfaces import surface_of

TEMPLATE = "database_unavailable.html"  # templates/, beside the other pages


def outage_page(exception: BaseException) -> HttpResponse:
    """The plain 503 page (rendered without the request: no context processor, so nothing
    that could reach for the database, such as the user, runs while it is down)."""
    error = describe(exception)  # logs "Database unavailable: ..." (no traceback)
    retry_after = error.headers["Retry-After"]
    body = render_to_string(TEMPLATE, {"message": error.message, "retry_after": retry_after})
    response = HttpResponse(body, status=error.status, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """An outage met by a view of a non-API path: the plain 503 page (API paths are left to
    `RequestContextMiddleware`, which answers in their surface's shape)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if surface_of(request) is not None:
            return None
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None  # a bug: Django's 500, with its traceback in the log
        return outage_page(exception)


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """`handler500`: called while Django handles an exception no view handled (debug off).
    An outage is a 503 (the plain page, or the surface's body on an API path); anything else
    is Django's own 500."""
    exception = sys.exc_info()[1]
    if not isinstance(exception, DATABASE_UNAVAILABLE):
        return defaults.server_error(request, template_name)
    surface = surface_of(request)
    if surface is None:
        response = outage_page(exception)
    else:
        response = json_error(describe(exception), surface)
    # Django's marker (django.utils.log.log_response): the outage is logged already, as one
    # line; its "Service Unavailable" line would repeat it with the traceback.
    response._has_been_logged = True
    return response
