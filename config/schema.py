"""OpenAPI pieces shared by every endpoint: error bodies, headers and security schemes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
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


DevdraftErrorSerializer = inline_serializer(
    "DevdraftError",
    {"statusCode": serializers.IntegerField(), "message": serializers.CharField()},
)

OAuthErrorSerializer = inline_serializer(
    "OAuthError",
    {"error": serializers.CharField(), "error_description": serializers.CharField()},
)

UqpayErrorSerializer = inline_serializer(
    "UqpayError", {"code": serializers.CharField(), "message": serializers.CharField()}
)


def error_responses(body, statuses) -> dict:
    return {
        status: OpenApiResponse(body, description=_DESCRIPTIONS[status]) for status in statuses
    }


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "oauth_app.authentication.ApiKeyAuthentication"
    name = ["BearerAuth", "ApiKeyAuth"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "An API key secret."},
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        ]

    def get_security_requirement(self, auto_schema):
        return [{"BearerAuth": []}, {"ApiKeyAuth": []}]  # either one


class DevdraftAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "oauth_app.authentication.DevdraftAuthentication"
    name = ["x-client-key", "x-client-secret"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-client-key",
             "description": "The API key's public client id."},
            {"type": "apiKey", "in": "header", "name": "x-client-secret",
             "description": "The API key's secret."},
        ]


class UqpayAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "oauth_app.authentication.UqpayAuthentication"
    name = ["x-client-id", "x-auth-token"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-client-id",
             "description": "The API key's public client id."},
            {"type": "apiKey", "in": "header", "name": "x-auth-token",
             "description": "The API key's secret."},
        ]
