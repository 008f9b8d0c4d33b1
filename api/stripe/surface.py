"""The `/stripe/v1` toolkit: its surface, credentials, error object, base viewset and router.

Errors are worded once, here (`translate`), from the domain's description: Stripe's statuses
(400 for what the other formats answer 409 or 422, 404 only for the object of the path),
`resource_missing` with "No such …" for objects named in the body, each viewset's own codes
and parameter names (`error_codes`, `param_names`), and 429 with `Stripe-Should-Retry`.

The surface answers as Stripe does: pretty-printed JSON, `Stripe-Version` on every answer,
Stripe's test-mode rate limits (`STRIPE_RATE_LIMIT_PER_SECOND` reads a second per key, and
as many writes), and at the root of a port of its own too (`STRIPE_ROOT_PORT`, stripe-mock's
12111: there `/v1/...` is `/stripe/v1/...`, `api.ports`).
"""

import base64
import re
from dataclasses import replace

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.routers import Route

from api.authentication import BearerAuthentication
from api.errors import ErrorDescription, detailed_message
from api.json import DecimalJSONParser, IndentedJSONRenderer
from api.ratelimit import ReadsAndWrites
from api.routers import Router
from api.schema import ScopedAuthenticationScheme
from api.stripe import expand as expansions
from api.stripe.declines import decline_of
from api.stripe.forms import BracketFormParser, parse_brackets
from api.stripe.pagination import CursorPagination
from api.stripe.params import ALWAYS_ACCEPTED, expand_of, unknown_parameter
from api.stripe.search import Search, SearchFields, SearchParams, search_page
from api.stripe.version import API_VERSION
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet
from core.errors import Declined, NotFound, ServiceError
from core.formats import Format

# `/stripe/v1` answers invalid parameters and refused changes with 400 (never 422), an
# unknown list cursor with 400, and 409 only for an idempotency key still in use.
LIST_ERRORS = (400, 401, 403)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415)
KEY_IN_USE = "idempotency_key_in_use"
# The Stripe name of each kind of domain object (`core.errors.NotFound.kind`).
OBJECT_NAMES = {"payment": "payment_intent", "payment method": "PaymentMethod",
                "customer": "customer", "refund": "refund", "charge": "charge",
                "setup": "setup_intent", "token": "token", "checkout": "checkout.session",
                "webhook endpoint": "webhook endpoint", "event": "event"}
_TYPES = {401: "authentication_error", 402: "card_error", 429: "rate_limit_error"}
# Our codes in Stripe's words, where Stripe has a code of the same meaning.
_CODES = {"required": "parameter_missing", "null": "parameter_missing",
          "blank": "parameter_missing", "rate_limit_exceeded": "rate_limit",
          "url_taken": "resource_already_exists"}
# The codes of Stripe's error object this surface sends: each is one Stripe publishes (the
# `code` enum of its OpenAPI `api_errors`: tests/dialects/test_stripe_schema_validator.py checks
# them against). Any other code (an invalid or out-of-range value, a refused scope, a reused
# idempotency key, a body too large, a simulated outage) is left out, as Stripe leaves `code`
# out of the errors it has no code for: `type`, `message` and `param` say what went wrong.
CODES = frozenset({
    "parameter_missing", "parameter_unknown", "parameter_invalid_integer",
    "parameter_invalid_empty", "resource_missing", "resource_already_exists",
    "amount_too_large", "charge_already_refunded", "payment_intent_unexpected_state",
    "idempotency_key_in_use", "rate_limit", "card_declined", "expired_card", "incorrect_cvc",
    "incorrect_number", "processing_error", "authentication_required",
    "payment_intent_authentication_failure", "setup_intent_authentication_failure",
    "setup_intent_unexpected_state", "payment_method_unexpected_state",
})

ErrorSerializer = inline_serializer(
    "StripeError",
    {
        "error": inline_serializer(
            "StripeErrorDetail",
            {
                "type": serializers.CharField(),
                "code": serializers.CharField(required=False),
                "decline_code": serializers.CharField(required=False),
                "message": serializers.CharField(),
                "param": serializers.CharField(required=False),
                "payment_intent": serializers.DictField(required=False),
            },
        )
    },
)


def translate(error: ErrorDescription, exc: Exception, view) -> ErrorDescription:
    """The domain's description in Stripe's words: statuses, codes, messages, parameters."""
    if isinstance(exc, Declined):
        code, decline_code, message, param = decline_of(exc.code)
        return replace(error, code=code, message=message, param=param, errors=[],
                       extra={"decline_code": decline_code})
    if isinstance(exc, NotFound) and exc.kind in OBJECT_NAMES:
        error = _missing(error, exc, view)
    elif isinstance(exc, ServiceError) and view is not None:
        error = _reworded(error, exc, view)
    if error.status == 422 or (error.status == 409 and error.code != KEY_IN_USE):
        error = replace(error, status=400)
    if error.status == 429:  # the SDKs retry it, after Retry-After
        error = replace(error, headers={**error.headers, "Stripe-Should-Retry": "true"})
    return error


def _missing(error: ErrorDescription, exc: NotFound, view) -> ErrorDescription:
    """"No such …": 404 for the object of the path, 400 `resource_missing` for one the body
    names (with the body's parameter)."""
    message = f"No such {OBJECT_NAMES[exc.kind]}: '{exc.object_id}'"
    in_path = view is not None and exc.object_id in (view.kwargs or {}).values()
    if in_path:
        return replace(error, message=message, param=view.path_param, errors=[])
    param = view.param_names.get(exc.param, exc.param) if view is not None else exc.param
    return replace(error, status=400, type="invalid_request_error", message=message,
                   param=param, errors=[])


def _reworded(error: ErrorDescription, exc: ServiceError, view) -> ErrorDescription:
    code, message, param = view.error_codes.get(exc.code, (exc.code, None, None))
    message = message or view.state_message(exc) or error.message
    param = param or view.param_names.get(error.param, error.param)
    errors = [{**item, "field": view.param_names.get(item["field"], item["field"]),
               "code": code if item["code"] == exc.code else item["code"]}
              for item in error.errors]
    return replace(error, code=code, message=message, param=param, errors=errors)


def error_body(error: ErrorDescription) -> dict:
    """Stripe's error object: `type` from the status (or `idempotency_error`), the first
    field at fault as `param`, `code` only where Stripe publishes one (`CODES`)."""
    if error.type == "idempotency_error":
        type_ = "idempotency_error"
    elif error.status >= 500:
        type_ = "api_error"
    else:
        type_ = _TYPES.get(error.status, "invalid_request_error")
    body = {"type": type_, "message": detailed_message(error)}
    first = error.errors[0] if error.errors else None
    code = first["code"] if first and error.status in (400, 422) else error.code
    code = _CODES.get(code, code)
    if type_ != "authentication_error" and code in CODES:
        body["code"] = code
    param = error.param or (first and first["field"])
    if param:  # a nested one as bracket notation writes it: line_items[0][price]
        body["param"] = re.sub(r"\.([^.\[\]]+)", r"[\1]", param)
    return {"error": {**body, **error.extra}}


def version_header(request) -> dict[str, str]:
    """The version the request asked for (`Stripe-Version`, any is accepted), else the one the
    sandbox renders."""
    return {"Stripe-Version": request.headers.get("Stripe-Version") or API_VERSION}


STRIPE = Surface(name=Format.STRIPE, prefix="/stripe/v1/", error_body=error_body,
                 error_schema=ErrorSerializer, tag="stripe", translate=translate,
                 renderer=IndentedJSONRenderer, response_headers=version_header,
                 rate_limits=ReadsAndWrites("STRIPE_RATE_LIMIT_PER_SECOND", group="stripe"),
                 port_setting="STRIPE_ROOT_PORT", mount="/stripe")


def form_body(serializer) -> dict:
    """A request body documented as form-encoded (Stripe's), checked by `serializer`."""
    return {"application/x-www-form-urlencoded": serializer}


class StripeAuthentication(BearerAuthentication):
    """Stripe's credentials: `Authorization: Bearer <key or token>`, or HTTP Basic with the
    key as user name and no password (`curl -u KEY:`)."""

    def _secret(self, request) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return super()._secret(request)
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
            user = decoded.partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed("Invalid HTTP Basic credentials.") from None
        if not user:
            raise exceptions.AuthenticationFailed("Invalid HTTP Basic credentials.")
        return user

    def authenticate_header(self, request):
        return 'Bearer realm="Stripe"'


class StripeAuthenticationScheme(ScopedAuthenticationScheme):
    target_class = "api.stripe.surface.StripeAuthentication"
    name = ["StripeBearerAuth", "StripeBasicAuth"]
    schemes = name

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer",
             "description": "An API key secret or an OAuth2 access token."},
            {"type": "http", "scheme": "basic",
             "description": "The API key as user name, no password (`curl -u KEY:`)."},
        ]


class StripeSchema(AutoSchema):
    """A `/stripe/v1` GET documents its `expand[]` (the fields of its answer that expand)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        view = self.view
        if self.method != "GET" or not isinstance(view, StripeViewSet) or not view.action:
            return parameters
        expand = expansions.parameter(
            view.action_objects.get(view.action, view.stripe_object),
            listed=view.action in view.list_actions,
            extra=("total_count",) if view.action == "search" else ())
        return [*parameters, *([expand] if expand else [])]


class StripeViewSet(SurfaceViewSet):
    """`/stripe/v1`: Stripe's credentials, form bodies in bracket notation, cursor lists and
    Stripe's error object. Every parameter of the query string is judged before the handler
    runs: one the operation does not document is refused."""

    surface = STRIPE
    authentication_classes = [StripeAuthentication]
    parser_classes = [BracketFormParser, DecimalJSONParser]
    pagination_class = CursorPagination
    schema = StripeSchema()
    # How this viewset's errors are worded (see `translate`): the Stripe name of a domain
    # argument, the Stripe (code, message, param) of a domain code (None: as described),
    # the path's parameter.
    param_names: dict[str, str] = {}
    error_codes: dict[str, tuple[str, str | None, str | None]] = {}
    path_param = "id"
    # What the operations answer with, for `expand[]` (`api.stripe.expand`): the Stripe
    # object type of the viewset, the actions answering a list or a search result of them,
    # and the actions answering another type (None: an object nothing of expands).
    stripe_object: str | None = None
    list_actions = frozenset({"list", "search"})
    action_objects: dict[str, str | None] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.query, self.expansion, self.total_count = {}, {}, False
        handler = getattr(self, self.action, None) if self.action else None
        if handler is None:
            return  # not an operation here: DRF answers 405, whatever the query string
        self.query = parse_brackets(request.META.get("QUERY_STRING", ""))
        accepted = ALWAYS_ACCEPTED | getattr(handler, "query_parameters", frozenset())
        if self.action == "list":
            accepted |= {"limit", "starting_after", "ending_before"}
        unknown = sorted(set(self.query) - accepted)
        if unknown:
            raise unknown_parameter(unknown[0])
        # What `expand` asks for is judged now, before anything changes.
        paths = self.expanded()
        if self.action == "search" and "total_count" in paths:
            self.total_count = True
            paths = paths - {"total_count"}
        answered = self.action_objects.get(self.action, self.stripe_object)
        self.expansion = expansions.plan(paths, answered,
                                         listed=self.action in self.list_actions)

    def state_message(self, exc: ServiceError) -> str | None:
        """How a refusal of the object's status is worded here (None: the domain's words)."""
        return None

    def expand(self, objects: list[dict]) -> list[dict]:
        """`objects` (rendered, of the type the operation answers with) expanded as the
        request asks: one load per expanded field for all of them."""
        if self.expansion:
            expansions.apply(self.request.user.account, objects, self.expansion)
        return objects

    def respond(self, rendered: dict, status: int = 200) -> Response:
        """The object the operation answers with, expanded as the request asks."""
        return Response(self.expand([rendered])[0], status=status)

    def rendered_list(self, queryset, render):
        """One cursor page of `queryset`, each object in Stripe's shape by `render`,
        expanded as the request asks (`data.…`)."""
        return self.get_paginated_response(self.expand(
            [render(obj) for obj in self.paginate_queryset(queryset)]))

    def rendered_search(self, fields: SearchFields, list_of, render):
        """A page of Stripe's search result of the request's search over `fields`: the
        objects the resource's list selector (`list_of(where=…)`) gives for it, newest first,
        each rendered and expanded; `total_count` when `expand[]` asks for it."""
        params = self.validated(SearchParams, data=self.query)  # 400 `query` if malformed
        search = Search(text=params["query"], where=fields.q(params["query"]),
                        limit=params["limit"], page=params.get("page"))
        matching = list_of(where=search.where)
        path = self.request.path.removeprefix("/stripe")
        rows, next_page = search_page(matching, path=path, search=search)
        body = {"object": "search_result",
                "data": self.expand([render(row) for row in rows]),
                "has_more": next_page is not None, "next_page": next_page, "url": path}
        if self.total_count:
            body["total_count"] = matching.count()
        return Response(body)

    def expanded(self) -> set[str]:
        """What `expand` asks for, in the body or (as the SDKs send it on a GET,
        `expand[0]=customer`) in the query string."""
        return expand_of(self.request.data) | expand_of(self.query)


class StripeRouter(Router):
    """Stripe's verbs: an object is changed by a POST to its own path (`POST
    /customers/{id}`), never PUT or PATCH."""

    routes = [
        route._replace(mapping={"get": "retrieve", "post": "update", "delete": "destroy"})
        if isinstance(route, Route) and route.detail else route
        for route in Router.routes
    ]
