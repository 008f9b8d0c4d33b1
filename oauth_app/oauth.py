"""The OAuth2 authorization server: oauthlib's protocol machinery on our models.

oauthlib parses and validates requests, checks PKCE, and words every error per RFC 6749;
`Validator` answers its questions from the database and records outcomes through
`oauth_app.services`. Codes and tokens are random, prefixed as the API documents them
(`authcode_`, `tok_`, `rtok_`), and stored only as SHA-256 hashes.
"""

import base64
import secrets
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone
from oauthlib.oauth2 import (
    AuthorizationCodeGrant,
    AuthorizationEndpoint,
    BearerToken,
    ClientCredentialsGrant,
    IntrospectEndpoint,
    RefreshTokenGrant,
    RequestValidator,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from accounts import scopes
from accounts.models import hash_secret
from core import sql
from oauth_app import services
from oauth_app.models import OAuthClient, OAuthGrant, OAuthToken

AUTHORIZATION_CODE = "authorization_code"
REFRESH_TOKEN = "refresh_token"
CLIENT_CREDENTIALS = "client_credentials"


def _access_token(request) -> str:
    return f"tok_{secrets.token_urlsafe(32)}"


def _refresh_token(request) -> str:
    return f"rtok_{secrets.token_urlsafe(32)}"


def new_authorization_code() -> str:
    return f"authcode_{secrets.token_urlsafe(24)}"


class Validator(RequestValidator):
    # --- clients ----------------------------------------------------------------------------
    def _client(self, client_id):
        """The active client `client_id` with its account: on every token request (`core.sql`)."""
        if not client_id:
            return None
        return sql.get_with(OAuthClient, ("account",), client_id=client_id, is_active=True)

    def client_authentication_required(self, request, *args, **kwargs):
        return True  # every client here is confidential

    def authenticate_client(self, request, *args, **kwargs):
        """HTTP Basic (RFC 6749 §2.3.1) or `client_id` + `client_secret` in the body."""
        client_id, secret = request.client_id, request.client_secret
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return False
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        client = self._client(client_id)
        # An unknown client id is checked as long as a known one: ids cannot be told by timing.
        if not secret or not services.client_secret_check(client=client, secret=secret):
            return False
        request.client = client
        request.client_id = client.client_id
        return True

    def validate_client_id(self, client_id, request, *args, **kwargs):
        request.client = self._client(client_id)
        return request.client is not None

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in client.allowed_grants

    def validate_response_type(self, client_id, response_type, client, request, *a, **kw):
        return response_type == "code" and AUTHORIZATION_CODE in client.allowed_grants

    # --- redirect URIs: exact matches only ------------------------------------------------------
    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return redirect_uri in request.client.redirect_uris

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        client = request.client or self._client(client_id)
        uris = client.redirect_uris if client else []
        return uris[0] if len(uris) == 1 else None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *a, **kw):
        return request.grant_row.redirect_uri == redirect_uri

    # --- scopes -----------------------------------------------------------------------------
    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return list(request.client.allowed_scopes)

    def validate_scopes(self, client_id, requested, client, request, *args, **kwargs):
        return all(s in scopes.ALL and s in client.allowed_scopes for s in requested)

    # --- authorization codes ----------------------------------------------------------------
    def is_pkce_required(self, client_id, request):
        client = request.client or self._client(client_id)
        return bool(client and client.require_pkce)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        services.oauth_grant_create(
            client=request.client, code=code["code"], redirect_uri=request.redirect_uri,
            scopes=request.scopes, code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
        )

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """Single use: the row is locked for the whole token request; a reused code revokes
        every token it produced. A `code_verifier` for a code issued without a challenge is
        refused: accepting it would let a client skip PKCE (a downgrade, RFC 9700 §2.1.1)."""
        grant = sql.get_with(OAuthGrant, lock=True, code_hash=hash_secret(code),
                             client_id=client.pk)
        if grant is None:
            return False
        grant.client = client
        if grant.used_at is not None:
            services.oauth_grant_replayed(grant=grant)
            return False
        if grant.expires_at <= timezone.now():
            return False
        if request.code_verifier is not None and not grant.code_challenge:
            return False
        request.grant_row = grant
        request.scopes = [scope for scope in grant.scopes if scope in client.allowed_scopes]
        request.user = client.account
        return True

    def get_code_challenge(self, code, request):
        return request.grant_row.code_challenge or None

    def get_code_challenge_method(self, code, request):
        return request.grant_row.code_challenge_method or None

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        services.oauth_grant_redeem(grant=request.grant_row)

    # --- tokens -----------------------------------------------------------------------------
    def save_bearer_token(self, token, request, *args, **kwargs):
        services.oauth_token_issue(
            client=request.client, scopes=request.scopes, access_token=token["access_token"],
            expires_in=token["expires_in"], refresh_token=token.get("refresh_token"),
            grant=getattr(request, "grant_row", None),
            rotated_from=getattr(request, "refresh_row", None),
        )

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        row = (
            OAuthToken.objects.select_for_update()
            .filter(refresh_hash=hash_secret(refresh_token), client=client)
            .first()
        )
        if row is None:
            return False
        row.client = client  # the same row: its checks need no second query
        if row.refresh_used_at is not None:
            services.oauth_family_revoke(token=row)  # a rotated token came back: replay
            return False
        if not row.refresh_is_active:
            return False
        request.refresh_row = row
        request.user = client.account
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        return request.refresh_row.effective_scopes

    def is_within_original_scope(self, request_scopes, refresh_token, request, *a, **kw):
        return False  # no widening on refresh, ever

    def rotate_refresh_token(self, request):
        return True

    def validate_user(self, *args, **kwargs):
        return False  # no password grant

    # --- revocation (RFC 7009) and introspection (RFC 7662) -----------------------------------
    def _token_row(self, token, request):
        digest = hash_secret(token)
        mine = OAuthToken.objects.select_related("account", "client").filter(
            client=request.client)
        row = mine.filter(access_hash=digest).first()
        if row is not None:
            return row, "access_token"
        row = mine.filter(refresh_hash=digest).first()
        return (row, "refresh_token") if row is not None else (None, None)

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """Revoking either token of a pair revokes its family: the authorization is over."""
        row, _kind = self._token_row(token, request)
        if row is not None:
            services.oauth_family_revoke(token=row)

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
        row, kind = self._token_row(token, request)
        if row is None:
            return None
        active = row.access_is_active if kind == "access_token" else row.refresh_is_active
        if not active:
            return None
        expires = row.access_expires_at if kind == "access_token" else row.refresh_expires_at
        return {
            "scope": " ".join(row.effective_scopes),
            "client_id": row.client.client_id,
            "token_type": "Bearer" if kind == "access_token" else "refresh_token",
            "exp": int(expires.timestamp()),
            "iat": int(row.created_at.timestamp()),
            "sub": row.account.public_id,
        }


class CodeGrant(AuthorizationCodeGrant):
    """Codes prefixed `authcode_`; PKCE with S256 only (`plain` protects nothing once the
    authorization request leaks, RFC 9700 §2.1.1)."""

    _code_challenge_methods = {"S256": code_challenge_method_s256}

    def create_authorization_code(self, request):
        return {**super().create_authorization_code(request), "code": new_authorization_code()}


class Server(AuthorizationEndpoint, TokenEndpoint, RevocationEndpoint, IntrospectEndpoint):
    """Only what the contract offers: authorization code (+PKCE), refresh, client credentials."""

    def __init__(self, validator: RequestValidator):
        code_grant = CodeGrant(validator)
        bearer = BearerToken(
            validator, token_generator=_access_token,
            expires_in=settings.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
            refresh_token_generator=_refresh_token,
        )
        AuthorizationEndpoint.__init__(
            self, default_response_type="code", response_types={"code": code_grant},
            default_token_type=bearer,
        )
        TokenEndpoint.__init__(
            self, default_grant_type=AUTHORIZATION_CODE,
            grant_types={
                AUTHORIZATION_CODE: code_grant,
                REFRESH_TOKEN: RefreshTokenGrant(validator, issue_new_refresh_tokens=True),
                CLIENT_CREDENTIALS: ClientCredentialsGrant(validator),
            },
            default_token_type=bearer,
        )
        RevocationEndpoint.__init__(self, validator)
        IntrospectEndpoint.__init__(self, validator)


server = Server(Validator())
