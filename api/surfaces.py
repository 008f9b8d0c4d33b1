"""The wire formats: one domain, four ways of speaking about it, each declared once here.

A surface fixes what differs between `/v1`, the devdraft dialect, the UQPay dialect and the
OAuth endpoints: how errors look, what an idempotency key must look like and whether it is
required. Its base viewset (`api.viewsets`) adds how callers authenticate. Handlers declare
each operation with `surface.read(...)` / `surface.write(...)`, which documents it (with the
surface's error shape) and, for writes, makes it idempotent by the surface's rules.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from drf_spectacular.utils import OpenApiParameter, extend_schema

from api import errors
from api.idempotency import KEY_RULE, KeyRule, idempotent
from api.schema import (
    SHAPED,
    DevdraftErrorSerializer,
    OAuthErrorSerializer,
    StripeErrorSerializer,
    UqpayErrorSerializer,
    V1ErrorSerializer,
    add_links,
    error_responses,
)

READ_ERRORS = (401, 403, 404)
# `/stripe/v1` answers invalid parameters and refused changes with 400 (never 422), an
# unknown list cursor with 400, and 409 only for an idempotency key still in use.
STRIPE_LIST_ERRORS = (400, 401, 403)
STRIPE_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415)
LIST_ERRORS = (401, 403, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


def form_body(serializer) -> dict:
    """A request body documented as form-encoded (Stripe's), checked by `serializer`."""
    return {"application/x-www-form-urlencoded": serializer}


@dataclass(frozen=True)
class Surface:
    name: str  # as test scenarios name it (`surface`)
    prefix: str
    render_error: object  # ErrorDescription -> dict
    error_schema: object
    key_rule: KeyRule = KEY_RULE
    key_required: bool = False
    key_header: str = "Idempotency-Key"
    key_form: str = "6-64 characters of [A-Za-z0-9_-]"
    tag: str | None = None
    adapt_error: object = None  # ErrorDescription -> ErrorDescription: the surface's statuses

    @cached_property
    def exception_handler(self):
        return errors.make_exception_handler(self.render_error, self.adapt_error)

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
            responses={**responses, **error_responses(self.error_schema, errors)},
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


_DEVDRAFT_KEY_MESSAGE = "The idempotency-key header is required for POST requests"
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

OAUTH = Surface(
    name="oauth",
    prefix="/v1/oauth/",
    render_error=errors.oauth_body,
    error_schema=OAuthErrorSerializer,
    tag="oauth",
)

V1 = Surface(
    name="v1",
    prefix="/v1/",
    render_error=errors.v1_body,
    error_schema=V1ErrorSerializer,
)

DEVDRAFT = Surface(
    name="devdraft",
    prefix="/api/v0/",
    render_error=errors.devdraft_body,
    error_schema=DevdraftErrorSerializer,
    key_rule=KeyRule(
        KEY_RULE.pattern, missing=_DEVDRAFT_KEY_MESSAGE, malformed=_DEVDRAFT_KEY_MESSAGE
    ),
    key_required=True,
    tag="devdraft",
)

UQPAY = Surface(
    name="uqpay",
    prefix="/api/v2/",
    render_error=errors.uqpay_body,
    error_schema=UqpayErrorSerializer,
    key_rule=KeyRule(
        _UUID,
        missing="The x-idempotency-key header (a UUID) is required.",
        malformed="The x-idempotency-key header must be a UUID.",
    ),
    key_required=True,
    key_header="x-idempotency-key",
    key_form="A UUID",
    tag="uqpay",
)

STRIPE = Surface(
    name="stripe",
    prefix="/stripe/v1/",
    render_error=errors.stripe_body,
    adapt_error=errors.stripe_status,
    error_schema=StripeErrorSerializer,
    tag="stripe",
)

SURFACES = (OAUTH, V1, DEVDRAFT, UQPAY, STRIPE)  # most specific prefix first


def error_renderer_for(path: str):
    """How errors look at `path`; None outside the API surfaces (HTML pages)."""
    for surface in SURFACES:
        if path.startswith(surface.prefix) or path == surface.prefix.rstrip("/"):
            return surface.render_error
    return None
