"""The `/v1` toolkit: its surface, credentials, error envelope and base viewset.

`/v1` is the main API: Bearer or X-API-Key credentials, JSON bodies, and every error in one
envelope, `{"error": {"type", "code", "message", "status", "param", "errors"}}`.
"""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from api.authentication import BearerAuthentication
from api.errors import ErrorDescription
from api.schema import ScopedAuthenticationScheme
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet
from core.formats import Format

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "type": serializers.CharField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "status": serializers.IntegerField(),
                "param": serializers.CharField(required=False),
                "errors": inline_serializer(
                    "FieldError",
                    {
                        "field": serializers.CharField(allow_null=True),
                        "code": serializers.CharField(),
                        "message": serializers.CharField(),
                    },
                    many=True,
                    required=False,
                ),
            },
        )
    },
)


def error_body(error: ErrorDescription) -> dict:
    body = {"type": error.type, "code": error.code, "message": error.message,
            "status": error.status}
    if error.param:
        body["param"] = error.param
    if error.errors:
        body["errors"] = error.errors
    return {"error": body}


V1 = Surface(name=Format.V1, prefix="/v1/", error_body=error_body,
             error_schema=ErrorSerializer)

# For views outside the surfaces' viewsets (health, api-info):
# `REST_FRAMEWORK["EXCEPTION_HANDLER"]`.
exception_handler = V1.exception_handler


class BearerAuthenticationScheme(ScopedAuthenticationScheme):
    target_class = "api.authentication.BearerAuthentication"
    name = ["BearerAuth", "ApiKeyAuth"]
    schemes = name

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "An API key secret."},
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        ]


class V1ViewSet(SurfaceViewSet):
    """`/v1`: Bearer or X-API-Key credentials, the `{"error": {...}}` envelope."""

    surface = V1
    authentication_classes = [BearerAuthentication]
