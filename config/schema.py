"""OpenAPI pieces shared by every endpoint: error bodies, headers and security schemes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

V1ErrorSerializer = inline_serializer(
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
    503: "A dependency is unavailable.",
}

V1_ERRORS = {"post_on_object": (400, 401, 403, 404, 409, 413, 415, 422)}


def v1_errors(*statuses: int) -> dict:
    return {
        status: OpenApiResponse(V1ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }


def idempotency_header(required: bool = False, name: str = "Idempotency-Key") -> OpenApiParameter:
    return OpenApiParameter(
        name,
        str,
        OpenApiParameter.HEADER,
        required=required,
        description="6-64 characters of [A-Za-z0-9_-]. Retrying with the same key and body "
        "replays the first response (with `Idempotent-Replayed: true`); a different body "
        "gets 409. Keys are scoped to the account and expire after 24 hours.",
    )


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "oauth_app.authentication.ApiKeyAuthentication"
    name = ["BearerAuth", "ApiKeyAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "An API key secret."},
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        ]
