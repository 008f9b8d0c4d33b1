"""The `/v1` toolkit: its surface, credentials, error envelope and base viewset.

`/v1` is the main API: Bearer or X-API-Key credentials, JSON bodies, and every error in one
envelope, `{"error": {"type", "code", "message", "status", "param", "errors"}}`; a 422 always
lists what is wrong in `errors` (`field` null when no one parameter is at fault).
"""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from api.authentication import BearerAuthentication
from api.errors import ErrorDescription
from api.schema import ScopedAuthenticationScheme
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet
from core.formats import Format


class FieldErrorSerializer(serializers.Serializer):
    """One problem of a 422 (the `FieldError` component)."""

    field = serializers.CharField(
        allow_null=True, help_text="The parameter at fault; null when no one parameter is (an "
        "account's limit, a rule across several).")
    code = serializers.CharField()
    message = serializers.CharField()


def _envelope(name: str, errors) -> object:
    return inline_serializer(
        name,
        {
            "error": inline_serializer(
                f"{name}Detail",
                {
                    "type": serializers.CharField(),
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                    "status": serializers.IntegerField(),
                    "param": serializers.CharField(required=False),
                    "errors": errors,
                },
            )
        },
    )


ErrorSerializer = _envelope("Error", FieldErrorSerializer(many=True, required=False))
# A 422 always lists what is wrong in `errors`.
ValidationErrorSerializer = _envelope("ValidationError", FieldErrorSerializer(many=True))


def error_body(error: ErrorDescription) -> dict:
    body = {"type": error.type, "code": error.code, "message": error.message,
            "status": error.status}
    if error.param:
        body["param"] = error.param
    if error.errors:
        body["errors"] = error.errors
    return {"error": body}


V1 = Surface(name=Format.V1, prefix="/v1/", error_body=error_body,
             error_schema=ErrorSerializer, unprocessable_schema=ValidationErrorSerializer)

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
