"""OpenAPI pieces shared by every endpoint: error bodies, headers, links, security schemes,
and what every request's strings and lists may hold."""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.permissions import operation_handler

_DESCRIPTIONS = {
    400: "Malformed JSON, or a missing or malformed idempotency key.",
    401: "Missing, unknown, inactive or expired credential.",
    402: "Payment declined.",
    403: "The credential lacks the required scope.",
    404: "No such object for this account.",
    405: "Method not allowed.",
    409: "The object's status does not allow this, or the idempotency key conflicts.",
    413: "Request body over 1 MiB.",
    415: "Request body is not application/json.",
    422: "Validation failed; `errors` lists each problem.",
    429: "Rate limit exceeded.",
    500: "A server error: here, one a test scenario asked for (`server_error`, with "
         "`Sandbox-Scenario`). Nothing was stored; a retry with the same key runs anew.",
    503: "A dependency is unavailable, or an outage a test scenario asked for "
         "(`unavailable`, with `Retry-After: 1` and `Sandbox-Scenario`).",
}


def error_responses(body, statuses, unprocessable=None) -> dict:
    """The error responses of `statuses`, in `body`'s shape (a 422 in `unprocessable`'s, if
    given)."""
    return {
        status: OpenApiResponse(unprocessable if status == 422 and unprocessable else body,
                                description=_DESCRIPTIONS[status])
        for status in statuses
    }


class ScopedAuthenticationScheme(OpenApiAuthenticationExtension):
    """A format's credentials in the schema: any one of its `schemes`, or an OAuth2 access
    token carrying the operation's scope."""

    schemes: list[str] = []

    def get_security_requirement(self, auto_schema):
        handler = operation_handler(auto_schema.view, auto_schema.method)
        scope = getattr(handler, "required_scope", None)
        return [*({name: []} for name in self.schemes), {"OAuth2": [scope] if scope else []}]


# --- Response headers and rate limits, added to every operation ----------------------------
HEADERS = {
    "X-Request-Id": ("The client's X-Request-Id, or one generated for this request.", True,
                     {"type": "string"}),
    "Request-Id": ("The same as X-Request-Id (Stripe's name for it, which its SDKs read).",
                   True, {"type": "string"}),
    "X-Response-Time": ("Server processing time in milliseconds.", True, {"type": "string"}),
    "X-API-Version": ("The API version: 2024-01-15.", True, {"type": "string"}),
    "X-RateLimit-Limit": ("Requests allowed per minute (authenticated and OAuth requests; "
                          "on Stripe's format per second, reads and writes apart).",
                          False, {"type": "integer"}),
    "X-RateLimit-Remaining": ("Requests left in the current window.", False,
                              {"type": "integer"}),
    "X-RateLimit-Reset": ("Unix time at which that window ends.", False,
                          {"type": "integer"}),
    "Retry-After": ("Seconds to wait before retrying (429).", False, {"type": "integer"}),
    "Idempotent-Replayed": ("`true` when the response is the replay of an earlier request "
                            "with the same idempotency key.", False,
                            {"type": "string", "enum": ["true"]}),
    "Sandbox-Scenario": ("The test scenario(s) that shaped this response (`scn_…`).", False,
                         {"type": "string"}),
}
ALWAYS = ("X-Request-Id", "Request-Id", "X-Response-Time", "X-API-Version")
RATE_LIMITED = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


# The error body's component of each surface, by path prefix, most specific first (each
# `api.surfaces.Surface` adds its own).
ERROR_COMPONENTS: dict[str, str] = {}

# Operations a test scenario can shape (`Surface.operation(scenarios=True)`): their
# responses document `Sandbox-Scenario`.
SHAPED: set[str] = set()

# OpenAPI links: where a created object's id can be used next (clients and schemathesis's
# stateful phase follow them). Operations declare theirs (`Surface.operation(links=...)`):
# (operation id, status) -> [(target operation, parameter, field of the response body)]
LINKS: dict[tuple[str, str], list[tuple[str, str, str]]] = {}


def add_links(operation_id: str, links: dict[str, list[tuple[str, str, str]]]) -> None:
    for status, targets in links.items():
        LINKS[(operation_id, status)] = list(targets)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/headers/{name}"}


def add_headers_and_rate_limits(result, generator, request, public):
    """drf-spectacular postprocessing hook: what middleware and limiter add to responses."""
    components = result.setdefault("components", {})
    components["headers"] = {
        name: {"description": text, "required": required, "schema": schema}
        for name, (text, required, schema) in HEADERS.items()
    }
    for path, operations in result.get("paths", {}).items():
        error = next((name for prefix, name in ERROR_COMPONENTS.items()
                      if path.startswith(prefix)), "Error")
        error_body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{error}"}}}
        for method, operation in operations.items():
            # Any request can be malformed (NUL characters, too many parameters).
            operation["responses"].setdefault("400", {
                "description": "Malformed request.", "content": error_body})
            limited = bool(operation.get("security")) or path.startswith("/v1/oauth/")
            if limited:
                operation["responses"].setdefault("429", {
                    "description": "Rate limit exceeded.", "content": error_body})
            for status, response in operation["responses"].items():
                for target, parameter, field in LINKS.get((operation["operationId"], status), []):
                    response.setdefault("links", {})[target] = {
                        "operationId": target,
                        "parameters": {parameter: f"$response.body#/{field}"},
                    }
                headers = response.setdefault("headers", {})
                for name in ALWAYS:
                    headers[name] = _ref(name)
                if limited:
                    for name in RATE_LIMITED:
                        headers[name] = _ref(name)
                if status == "429":
                    headers["Retry-After"] = _ref("Retry-After")
                if method == "post" and not path.startswith("/v1/oauth/"):
                    headers["Idempotent-Replayed"] = _ref("Idempotent-Replayed")
                if operation["operationId"] in SHAPED:
                    headers["Sandbox-Scenario"] = _ref("Sandbox-Scenario")
    return result


# Strings of requests may hold any character but NUL (PostgreSQL cannot store it; see
# api.json and api.middleware), which JSON Schema can only say as a pattern.
NO_NUL = "^[^\\u0000]*$"
# DRF strips a string before it judges it (`CharField.trim_whitespace`), so one that may not
# be blank may not be whitespace only either: what Python's `str.strip` removes, spelled out
# (the `\\s` of JSON Schema's regexes and of Python's differ).
WHITESPACE = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace())
NOT_BLANK = f"^[^\\u0000]*[^{WHITESPACE}\\u0000][^\\u0000]*$"
EMPTY_OR_NOT_BLANK = f"^([^\\u0000]*[^{WHITESPACE}\\u0000][^\\u0000]*)?$"


def _refuse_nul(schema: dict) -> None:
    # Formats (email, uri, date-time) and enumerations already exclude NUL.
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _refuse_nul(schema[key])
    for child in [*schema.get("properties", {}).values(), *schema.get("oneOf", []),
                  *schema.get("anyOf", [])]:
        _refuse_nul(child)


def refuse_nul_in_requests(result, generator, request, public):
    """drf-spectacular postprocessing hook: the NUL rule on every string a client sends, and
    that one that may not be blank may not be whitespace only."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST names request bodies so
            _refuse_nul(schema)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _refuse_nul(parameter.get("schema", {}))
    return result


class NonEmptyListSchema(OpenApiSerializerFieldExtension):
    """A list that may not be empty (`allow_empty=False`) says so: `minItems: 1`."""

    target_class = serializers.ListField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction,
                                                   bypass_extensions=True)
        if schema is not None and not self.target.allow_empty:
            schema.setdefault("minItems", 1)
        return schema
