"""`/v1/oauth`: the JSON face of `/v1` on oauthlib's RFC 6749 / 7009 / 7662 endpoints.

Token, revoke and introspect take form bodies (the RFCs') or JSON (`/v1`'s); both are
handed to oauthlib form-encoded. Authorization answers JSON instead of redirecting, and
answers every error with 400 JSON, never a redirect (test mode has no consent screen).
"""

import json
from urllib.parse import parse_qs, urlencode, urlsplit

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, inline_serializer
from oauthlib.oauth2 import OAuth2Error
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from api.json import DecimalJSONParser, FormParser, contains_nul
from api.numbers import OutOfRange
from api.oauth import OAUTH, OAuthViewSet
from oauth_app.oauth import server

FORM = "application/x-www-form-urlencoded"


# oauthlib names most errors without describing them; RFC 6749 §5.2 lets us say more.
DESCRIPTIONS = {
    "invalid_client": "Client authentication failed: unknown client or wrong secret.",
    "invalid_grant": "The authorization code or refresh token is invalid, expired, already "
    "used, revoked, issued to another client, or its PKCE verifier does not match (or was "
    "sent for a code issued without a code_challenge).",
    "invalid_scope": "A requested scope is unknown or not allowed for this client.",
    "unauthorized_client": "This client may not use this grant or response type.",
    "unsupported_grant_type": "Supported grant types: authorization_code, refresh_token, "
    "client_credentials.",
    "unsupported_response_type": "The only supported response_type is 'code'.",
}


def oauthlib_response(headers: dict, body: str, status: int) -> HttpResponse:
    if status >= 400:
        error = json.loads(body)
        error.setdefault("error_description", DESCRIPTIONS.get(error.get("error"), ""))
        body = json.dumps(error)
    response = HttpResponse(body or "{}", status=status, content_type="application/json")
    for name, value in headers.items():
        if name.lower() != "content-type":
            response[name] = value
    return response


TokenRequest = inline_serializer("TokenRequest", {
    "grant_type": serializers.ChoiceField(
        choices=["authorization_code", "refresh_token", "client_credentials"]),
    "code": serializers.CharField(required=False),
    "redirect_uri": serializers.CharField(required=False),
    "code_verifier": serializers.CharField(required=False),
    "refresh_token": serializers.CharField(required=False),
    "scope": serializers.CharField(required=False),
    "client_id": serializers.CharField(required=False),
    "client_secret": serializers.CharField(required=False),
})
TokenResponse = inline_serializer("TokenResponse", {
    "access_token": serializers.CharField(),
    "token_type": serializers.CharField(),
    "expires_in": serializers.IntegerField(),
    "refresh_token": serializers.CharField(required=False),
    "scope": serializers.CharField(),
})
TokenOnly = inline_serializer("TokenReference", {
    "token": serializers.CharField(),
    "token_type_hint": serializers.ChoiceField(choices=["access_token", "refresh_token"],
                                               required=False),
    "client_id": serializers.CharField(required=False),
    "client_secret": serializers.CharField(required=False),
})
CLIENT_AUTH = ("Client authentication: HTTP Basic (`client_id:client_secret`) or "
               "`client_id` + `client_secret` in the body.")
# The token, revoke and introspect endpoints: public, client-authenticated in the protocol.
CLIENT_AUTHENTICATED = {"scope": None, "auth": [], "errors": (400, 401, 413, 415)}


class OAuthServerViewSet(OAuthViewSet):
    """`/v1/oauth/authorize`, `/token`, `/revoke` and `/introspect`: protocol endpoints, not
    resources, so each is an action of one viewset that hands the request to oauthlib."""

    parser_classes = [DecimalJSONParser, FormParser]

    def oauthlib_request(self) -> tuple[str, str, dict]:
        """URI, form-encoded body and headers, as oauthlib reads a request."""
        data = self.request.data
        if not isinstance(data, dict):  # a JSON array, string or number: no parameters
            raise ParseError("The request body must be a JSON object or a form.")
        pairs = data.lists() if hasattr(data, "lists") else (
            (key, [value]) for key, value in data.items())
        params = [(key, str(value)) for key, values in pairs for value in values
                  if value is not None and not isinstance(value, dict | list | OutOfRange)]
        if any(contains_nul(key) or contains_nul(value) for key, value in params):
            raise ParseError("Request body must not contain NUL characters.")
        body = urlencode(params)
        headers = {"Content-Type": FORM}
        if "Authorization" in self.request.headers:
            headers["Authorization"] = self.request.headers["Authorization"]
        return self.request.build_absolute_uri(), body, headers

    def answer(self, create_response) -> HttpResponse:
        """Hand the request to one of oauthlib's endpoints, in one transaction: the code or
        refresh-token row it locks stays locked until the tokens are issued."""
        uri, body, headers = self.oauthlib_request()
        with transaction.atomic():
            return oauthlib_response(*create_response(uri, "POST", body, headers))

    @OAUTH.operation(
        "oauth_authorize",
        "Authorize a client (test mode: no consent screen)",
        description="Issues an authorization code at once and answers it as JSON (also in "
        "`redirect_uri`), instead of showing a consent screen and redirecting.",
        scope=None,
        parameters=[
            OpenApiParameter("client_id", {"type": "string", "minLength": 1}, required=True),
            OpenApiParameter("redirect_uri", str,
                             description="Must equal a registered URI exactly."),
            OpenApiParameter("response_type", str, required=True, enum=["code"]),
            OpenApiParameter("scope", str, description="Space-separated scopes."),
            OpenApiParameter("state", str),
            OpenApiParameter("code_challenge", str, description="PKCE (RFC 7636)."),
            OpenApiParameter("code_challenge_method", str, enum=["S256"]),
        ],
        responses={200: inline_serializer("AuthorizationResponse", {
            "authorization_code": serializers.CharField(),
            "redirect_uri": serializers.CharField(),
            "expires_in": serializers.IntegerField(),
        })},
        errors=(400,),
        auth=[],
    )
    @action(detail=False, methods=["get"])
    def authorize(self, request):
        uri = request.build_absolute_uri()
        try:
            scopes, credentials = server.validate_authorization_request(uri, "GET", None, {})
        except OAuth2Error as error:
            return oauthlib_response({}, error.json, 400)
        credentials.pop("request", None)
        headers, _body, _status = server.create_authorization_response(
            uri, "GET", None, {}, scopes, credentials)
        location = headers["Location"]
        code = parse_qs(urlsplit(location).query)["code"][0]
        return Response({"authorization_code": code, "redirect_uri": location,
                         "expires_in": 600})

    @OAUTH.operation(
        "oauth_token",
        "Exchange a code, refresh a token, or get a client-credentials token",
        examples=[
            OpenApiExample("Client credentials", request_only=True, value={
                "grant_type": "authorization_code", "code": "authcode_abc123def456",
                "client_id": "my_app", "client_secret": "my_secret"}),
            OpenApiExample("A token", response_only=True, status_codes=["200"], value={
                "access_token": "tok_abc123", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "rtok_def456", "scope": "payments:read"}),
        ],
        description=CLIENT_AUTH,
        request={"application/json": TokenRequest, FORM: TokenRequest},
        responses={200: TokenResponse},
        **CLIENT_AUTHENTICATED,
    )
    @action(detail=False, methods=["post"])
    def token(self, request):
        return self.answer(server.create_token_response)

    @OAUTH.operation(
        "oauth_revoke",
        "Revoke an access or refresh token (RFC 7009)",
        description=CLIENT_AUTH + " Unknown tokens answer 200 too, as RFC 7009 requires.",
        request={"application/json": TokenOnly, FORM: TokenOnly},
        responses={200: inline_serializer("Revoked", {})},
        **CLIENT_AUTHENTICATED,
    )
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        return self.answer(server.create_revocation_response)

    @OAUTH.operation(
        "oauth_introspect",
        "Introspect a token (RFC 7662)",
        description=CLIENT_AUTH + " A client sees only its own tokens.",
        request={"application/json": TokenOnly, FORM: TokenOnly},
        responses={200: inline_serializer("Introspection", {
            "active": serializers.BooleanField(),
            "scope": serializers.CharField(required=False),
            "client_id": serializers.CharField(required=False),
            "token_type": serializers.CharField(required=False),
            "exp": serializers.IntegerField(required=False),
            "iat": serializers.IntegerField(required=False),
            "sub": serializers.CharField(required=False),
        })},
        **CLIENT_AUTHENTICATED,
    )
    @action(detail=False, methods=["post"])
    def introspect(self, request):
        return self.answer(server.create_introspect_response)
