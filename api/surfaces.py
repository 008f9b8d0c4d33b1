"""What a wire format is to the HTTP layer: one `Surface` per format, declared in its toolkit
(`api.v1`, `api.devdraft`, `api.uqpay`, `api.oauth`, `api.stripe`).

A surface fixes what differs between formats: how errors are worded (`translate`) and shaped
(`error_body`), how bodies are written (`renderer`) and which headers every answer carries
(`response_headers`), what an idempotency key must look like and whether it is required, the
rate limits it counts requests under (`rate_limits`), and whether a port of its own serves it
at the root (`port_setting`, `mount`: see `api.ports`). Its base viewset adds how callers
authenticate. Handlers declare each operation with `surface.read(...)`
/ `surface.write(...)`, which documents it (with the surface's error shape) and, for writes,
makes it idempotent by the surface's rules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema

from api import errors
from api.client_ip import arrival_port
from api.idempotency import KEY_RULE, KeyRule, idempotent
from api.json import DecimalJSONRenderer
from api.ratelimit import MINUTE_AND_BURST, Limits
from api.schema import ERROR_COMPONENTS, SHAPED, add_links, error_responses

READ_ERRORS = (401, 403, 404)
LIST_ERRORS = (401, 403, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)

_SURFACES: list["Surface"] = []  # every declared surface, most specific prefix first


@dataclass(frozen=True)
class Surface:
    name: str  # as test scenarios name it (`surface`): a `core.formats.Format` value
    prefix: str
    error_body: Callable  # ErrorDescription -> the JSON body of an error
    error_schema: object
    key_rule: KeyRule = KEY_RULE
    key_required: bool = False
    key_header: str = "Idempotency-Key"
    key_form: str = "6-64 characters of [A-Za-z0-9_-]"
    tag: str | None = None
    # (ErrorDescription, exception, view) -> ErrorDescription: the format's own statuses,
    # codes, messages and parameter names, applied once to every error of its views.
    translate: Callable | None = None
    renderer: type = DecimalJSONRenderer  # a DRF renderer: its bodies, errors included
    response_headers: Callable | None = None  # request -> headers of every answer here
    rate_limits: Limits = MINUTE_AND_BURST
    # The setting naming a port that serves this surface at the root, without `mount`, the
    # start of its prefix (`/stripe`: there `/v1/...` is `/stripe/v1/...`; `api.ports`).
    port_setting: str | None = None
    mount: str = ""
    # The body of its 422s, when it says more than `error_schema` (`/v1`: `errors` required).
    unprocessable_schema: object = None

    def __post_init__(self):
        _SURFACES.append(self)
        _SURFACES.sort(key=lambda surface: len(surface.prefix), reverse=True)
        components = {s.prefix: type(s.error_schema).__name__ for s in _SURFACES}
        ERROR_COMPONENTS.clear()
        ERROR_COMPONENTS.update(components)

    @cached_property
    def exception_handler(self):
        return errors.make_exception_handler(self)

    @property
    def root(self) -> str:
        """Where it answers on a port of its own: its prefix without its mount."""
        return self.prefix.removeprefix(self.mount)

    def render(self, data) -> bytes:
        return self.renderer().render(data)

    def operation(
        self,
        operation_id: str,
        summary: str,
        *,
        scope: str | None,
        responses: dict,
        errors: tuple[int, ...] = (),
        request=None,
        write: bool = False,
        tag: str | None = None,
        links: dict | None = None,
        secret_fields: tuple[str, ...] = (),
        scenarios: bool = False,
        **extra,
    ):
        """Declare a handler: the scope it needs, its documentation, and (for `write=True`)
        idempotency by this surface's rules. `links` are OpenAPI links from its responses
        (`{"201": [(target operation, path parameter, response field)]}`); `secret_fields`
        of a write's response are shown once and replayed as null. `scenarios`: a test
        scenario can shape it (its simulated 500 and 503 are documented)."""
        tag = tag or self.tag
        add_links(operation_id, links or {})
        # What its query string may name: `types[]` and `created[gt]` are `types` and
        # `created` once the bracket notation is parsed.
        query = frozenset(parameter.name.split("[", 1)[0]
                          for parameter in extra.get("parameters", [])
                          if isinstance(parameter, OpenApiParameter)
                          and parameter.location == OpenApiParameter.QUERY)
        if scenarios:
            SHAPED.add(operation_id)
            errors = (*errors, 500, 503)
        schema = extend_schema(
            operation_id=operation_id,
            summary=summary,
            description="\n\n".join(filter(None, [
                extra.pop("description", None),
                f"Requires the `{scope}` scope." if scope else None,
            ])),
            request=request,
            tags=[tag] if tag else None,
            parameters=[*extra.pop("parameters", []), *([self.key_parameter()] if write else [])],
            responses={**responses, **error_responses(self.error_schema, errors,
                                                      self.unprocessable_schema)},
            **extra,
        )

        def declare(method):
            if write:
                body = request if isinstance(request, type) else None  # a serializer
                if isinstance(request, dict):  # per media type (`form_body`)
                    body = next((v for v in request.values() if isinstance(v, type)), None)
                method = idempotent(required=self.key_required, rule=self.key_rule,
                                    secret_fields=secret_fields, body=body)(method)
            method.required_scope = scope
            method.surface = self
            method.query_parameters = query  # what its query string may name
            return schema(method)

        return declare

    def read(self, operation_id: str, summary: str, *, errors=READ_ERRORS, **kwargs):
        """Declare a handler that changes nothing (see `operation`)."""
        return self.operation(operation_id, summary, errors=errors, **kwargs)

    def write(self, operation_id: str, summary: str, *, errors=WRITE_ERRORS, **kwargs):
        """Declare an idempotent POST handler (see `operation`)."""
        return self.operation(operation_id, summary, errors=errors, write=True, **kwargs)

    def key_parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.key_header,
            {"type": "string", "pattern": self.key_rule.pattern.pattern},
            OpenApiParameter.HEADER,
            required=self.key_required,
            description=f"{self.key_form}. Retrying with the same key and body replays the "
            "first response (with `Idempotent-Replayed: true`); a different body gets 409. "
            "Keys are scoped to the account and expire after 24 hours.",
        )


def surface_for(path: str) -> Surface | None:
    """The surface answering at `path`; None outside the API (HTML pages)."""
    for surface in _SURFACES:
        if path.startswith(surface.prefix) or path == surface.prefix.rstrip("/"):
            return surface
    return None


def surface_at_port(port: str) -> Surface | None:
    """The surface a port of its own serves at the root: the one whose `port_setting` names
    `port` (0 names none)."""
    for surface in _SURFACES:
        own = getattr(settings, surface.port_setting) if surface.port_setting else 0
        if own and str(own) == port:
            return surface
    return None


def surface_of(request) -> Surface | None:
    """The surface answering `request`: the one at the root of the port it arrived on
    (`api.ports`), else the one of the path it asked for; None outside the API."""
    return surface_at_port(arrival_port(request)) or surface_for(request.path)
