"""The three API surfaces: one domain, three wire formats, each declared once here.

A surface fixes what differs between `/v1`, the devdraft dialect and the UQPay dialect:
how callers authenticate, how errors look, what an idempotency key must look like and
whether it is required. Views of a surface subclass `surface.View` and declare each
operation with `surface.operation(...)`, which documents it (with the surface's error
shape) and, for writes, makes it idempotent by the surface's rules.
"""

import re
from dataclasses import dataclass, field

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config import errors, ratelimit
from config.schema import (
    DevdraftErrorSerializer,
    OAuthErrorSerializer,
    UqpayErrorSerializer,
    V1ErrorSerializer,
    error_responses,
)
from oauth_app.authentication import (
    ApiKeyAuthentication,
    DevdraftAuthentication,
    UqpayAuthentication,
)
from payments.idempotency import KEY_RULE, KeyRule, idempotent

READ_ERRORS = (401, 403, 404)
LIST_ERRORS = (401, 403, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


class SurfaceView(GenericAPIView):
    """What every view of every surface shares; `Surface` adds authentication and errors."""

    limit_by_ip = False  # unauthenticated endpoints (OAuth) are limited per client IP
    # OPTIONS (DRF's metadata) is not part of any surface: it answers 405 like any other
    # method a view does not offer.
    http_method_names = ["get", "post", "delete", "head"]

    def check_permissions(self, request):
        """Rate limits come first: every authenticated request counts, even a refused one."""
        if request.user is not None:
            ratelimit.consume(request._request, ratelimit.credential_key(request.user))
        elif self.limit_by_ip:
            ratelimit.consume(request._request, ratelimit.client_ip_key(request._request))
        super().check_permissions(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        usage = getattr(request._request, "rate_limit", None)
        if usage is not None:
            for name, value in usage.headers().items():
                response[name] = value
        return response

    def filter_queryset(self, queryset):
        """django-filter builds a form per request; a list without filters needs none."""
        filterset = getattr(self, "filterset_class", None)
        if filterset is None or not set(self.request.query_params) & set(filterset.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def list_response(self, queryset, serializer_class):
        """One page of `queryset`, filtered by the view's filterset, in the list shape."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def validated(self, serializer_class) -> dict:
        """The request body checked by `serializer_class` (422 with every problem if not)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@dataclass(frozen=True)
class Surface:
    prefix: str
    render_error: object  # ErrorDescription -> dict
    error_schema: object
    authentication: type | None
    key_rule: KeyRule = KEY_RULE
    key_required: bool = False
    key_header: str = "Idempotency-Key"
    key_form: str = "6-64 characters of [A-Za-z0-9_-]"
    tag: str | None = None
    limit_by_ip: bool = False
    View: type = field(init=False, repr=False)

    def __post_init__(self):
        handler = errors.make_exception_handler(self.render_error)
        view = type(
            "SurfaceView",
            (SurfaceView,),
            {
                "authentication_classes": [self.authentication] if self.authentication else [],
                "get_exception_handler": lambda view: handler,
                "limit_by_ip": self.limit_by_ip,
                "__doc__": f"Base view of the {self.prefix} surface.",
            },
        )
        object.__setattr__(self, "View", view)

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
        **extra,
    ):
        """Declare a view method: the scope it needs, its documentation, and (for
        `write=True`) idempotency by this surface's rules."""
        tag = tag or self.tag
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
                method = idempotent(required=self.key_required, rule=self.key_rule)(method)
            method.required_scope = scope
            return schema(method)

        return declare

    def read(self, operation_id: str, summary: str, *, errors=READ_ERRORS, **kwargs):
        """Declare a GET handler (see `operation`)."""
        return self.operation(operation_id, summary, errors=errors, **kwargs)

    def write(self, operation_id: str, summary: str, *, errors=WRITE_ERRORS, **kwargs):
        """Declare an idempotent POST handler (see `operation`)."""
        return self.operation(operation_id, summary, errors=errors, write=True, **kwargs)

    def retrieve_view(self, operation_id: str, summary: str, *, scope: str, fetch, serializer,
                      tag: str | None = None) -> type:
        """A view answering GET with one object: `fetch(account=..., **path_arguments)`."""

        def get(view, request, **path):
            return Response(serializer(fetch(account=request.user.account, **path)).data)

        get = self.read(operation_id, summary, scope=scope, tag=tag,
                        responses={200: serializer})(get)
        name = "".join(word.title() for word in operation_id.split("_")) + "View"
        return type(name, (self.View,), {"get": get})

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
    prefix="/v1/oauth/",
    render_error=errors.oauth_body,
    error_schema=OAuthErrorSerializer,
    authentication=None,  # clients authenticate inside the protocol (oauth_app.oauth)
    tag="oauth",
    limit_by_ip=True,
)

V1 = Surface(
    prefix="/v1/",
    render_error=errors.v1_body,
    error_schema=V1ErrorSerializer,
    authentication=ApiKeyAuthentication,
)

DEVDRAFT = Surface(
    prefix="/api/v0/",
    render_error=errors.devdraft_body,
    error_schema=DevdraftErrorSerializer,
    authentication=DevdraftAuthentication,
    key_rule=KeyRule(
        KEY_RULE.pattern, missing=_DEVDRAFT_KEY_MESSAGE, malformed=_DEVDRAFT_KEY_MESSAGE
    ),
    key_required=True,
    tag="devdraft",
)

UQPAY = Surface(
    prefix="/api/v2/",
    render_error=errors.uqpay_body,
    error_schema=UqpayErrorSerializer,
    authentication=UqpayAuthentication,
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

SURFACES = (OAUTH, V1, DEVDRAFT, UQPAY)  # most specific prefix first


def error_renderer_for(path: str):
    """How errors look at `path`; None outside the API surfaces (HTML pages)."""
    for surface in SURFACES:
        if path.startswith(surface.prefix) or path == surface.prefix.rstrip("/"):
            return surface.render_error
    return None
