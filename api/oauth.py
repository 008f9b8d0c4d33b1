"""The OAuth toolkit (`/v1/oauth`): RFC 6749's error body; clients authenticate inside the
protocol (oauthlib), so its viewset authenticates nobody."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from api.errors import ErrorDescription, detailed_message
from api.surfaces import Surface
from api.viewsets import SurfaceViewSet

ErrorSerializer = inline_serializer(
    "OAuthError",
    {"error": serializers.CharField(), "error_description": serializers.CharField()},
)


def error_body(error: ErrorDescription) -> dict:
    """RFC 6749 §5.2's shape, for failures outside oauthlib (bad content type, 413, 5xx);
    a 503 is RFC 6749's `temporarily_unavailable` (§4.1.2.1)."""
    if error.status == 503:
        code = "temporarily_unavailable"
    elif error.status >= 500:
        code = "server_error"
    elif error.status == 429:
        code = "rate_limit_exceeded"
    else:
        code = "invalid_request"
    return {"error": code, "error_description": detailed_message(error)}


OAUTH = Surface(name="oauth", prefix="/v1/oauth/", error_body=error_body,
                error_schema=ErrorSerializer, tag="oauth")


class OAuthViewSet(SurfaceViewSet):
    """`/v1/oauth`: clients authenticate inside the protocol; RFC 6749 error bodies."""

    surface = OAUTH
    authentication_classes = []
    permission_classes = []
