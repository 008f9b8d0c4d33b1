"""The UQPay toolkit (`/api/v2`): its surface, credentials and error shape.

UQPay answers errors as `{"code", "message"}`, authenticates with a client id and an auth
token in two headers, and requires a UUID as `x-idempotency-key` on every POST.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from api.authentication import HeaderPairAuthentication
from api.errors import ErrorDescription, detailed_message
from api.idempotency import KeyRule
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet
from core.formats import Format

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

ErrorSerializer = inline_serializer(
    "UqpayError", {"code": serializers.CharField(), "message": serializers.CharField()}
)


def error_body(error: ErrorDescription) -> dict:
    """A machine code and a message."""
    return {"code": error.code, "message": detailed_message(error)}


UQPAY = Surface(
    name=Format.UQPAY,
    prefix="/api/v2/",
    error_body=error_body,
    error_schema=ErrorSerializer,
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


class UqpayAuthentication(HeaderPairAuthentication):
    header_pairs = (("x-client-id", "x-auth-token"),)


class UqpayAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.uqpay.UqpayAuthentication"
    name = ["x-client-id", "x-auth-token"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-client-id",
             "description": "The API key's public client id."},
            {"type": "apiKey", "in": "header", "name": "x-auth-token",
             "description": "The API key's secret."},
        ]


class UqpayViewSet(SurfaceViewSet):
    """`/api/v2`: client id + auth token headers, `{"code", "message"}`."""

    surface = UQPAY
    authentication_classes = [UqpayAuthentication]
