"""The devdraft toolkit (`/api/v0`): its surface, credentials and error shape.

devdraft's NestJS service answers errors as `{"statusCode", "message"}`, authenticates with a
public client id and a secret in two headers, and requires an idempotency key on every POST,
refused in its own words when missing or malformed.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from api.authentication import HeaderPairAuthentication
from api.errors import ErrorDescription, detailed_message
from api.idempotency import KEY_RULE, KeyRule
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet
from core.formats import Format

KEY_MESSAGE = "The idempotency-key header is required for POST requests"

ErrorSerializer = inline_serializer(
    "DevdraftError",
    {"statusCode": serializers.IntegerField(), "message": serializers.CharField()},
)


def error_body(error: ErrorDescription) -> dict:
    return {"statusCode": error.status, "message": detailed_message(error)}


DEVDRAFT = Surface(
    name=Format.DEVDRAFT,
    prefix="/api/v0/",
    error_body=error_body,
    error_schema=ErrorSerializer,
    key_rule=KeyRule(KEY_RULE.pattern, missing=KEY_MESSAGE, malformed=KEY_MESSAGE),
    key_required=True,
    tag="devdraft",
)


class DevdraftAuthentication(HeaderPairAuthentication):
    header_pairs = (("x-client-key", "x-client-secret"), ("Client-Key", "Client-Secret"))


class DevdraftAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.devdraft.DevdraftAuthentication"
    name = ["x-client-key", "x-client-secret"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-client-key",
             "description": "The API key's public client id."},
            {"type": "apiKey", "in": "header", "name": "x-client-secret",
             "description": "The API key's secret."},
        ]


class DevdraftViewSet(SurfaceViewSet):
    """`/api/v0`: client key + secret headers, `{"statusCode", "message"}`."""

    surface = DEVDRAFT
    authentication_classes = [DevdraftAuthentication]
