"""Who is calling: API keys in `Authorization: Bearer` or `X-API-Key`."""

from dataclasses import dataclass

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from oauth_app.models import Account, ApiKey, OAuthToken, hash_secret
from oauth_app.services import api_key_touch

ACCESS_TOKEN_PREFIX = "tok_"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the account it acts for and what it may do."""

    account: Account
    scopes: frozenset[str]
    credential: object

    is_authenticated = True
    is_anonymous = False

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


def authenticate_secret(secret: str, *, client_id: str | None = None) -> Principal:
    """Resolve an API key secret or OAuth access token (and, for the dialects, the public
    client id it must belong to: the key's, or the OAuth client's)."""
    if secret.startswith(ACCESS_TOKEN_PREFIX):
        return _authenticate_access_token(secret, client_id)
    try:
        key = ApiKey.objects.select_related("account").get(secret_hash=hash_secret(secret))
    except ApiKey.DoesNotExist:
        key = None
    if key is None or (client_id is not None and key.client_id != client_id):
        raise exceptions.AuthenticationFailed("Invalid API credentials.")
    if not key.is_active:
        raise exceptions.AuthenticationFailed("This API key is inactive.")
    if key.is_expired:
        raise exceptions.AuthenticationFailed("This API key has expired.")
    api_key_touch(key=key)
    return Principal(account=key.account, scopes=frozenset(key.scopes), credential=key)


def _authenticate_access_token(secret: str, client_id: str | None) -> Principal:
    token = (
        OAuthToken.objects.select_related("account", "client")
        .filter(access_hash=hash_secret(secret))
        .first()
    )
    if token is None or (client_id is not None and token.client.client_id != client_id):
        raise exceptions.AuthenticationFailed("Invalid access token.")
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed("This access token has been revoked.")
    if token.access_expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed("This access token has expired.")
    return Principal(account=token.account, scopes=frozenset(token.scopes), credential=token)


class ApiKeyAuthentication(BaseAuthentication):
    """`/v1` credentials: `Authorization: Bearer <API key or OAuth access token>`, or
    `X-API-Key: <API key>`."""

    keyword = "Bearer"

    def authenticate(self, request):
        secret = self._secret(request)
        if secret is None:
            return None
        principal = authenticate_secret(secret)
        return principal, principal.credential

    def _secret(self, request) -> str | None:
        header = request.headers.get("Authorization")
        if header:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != self.keyword.lower() or not value.strip():
                raise exceptions.AuthenticationFailed(
                    "Authorization header must be 'Bearer <api key>'."
                )
            return value.strip()
        return request.headers.get("X-API-Key") or None

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class HeaderPairAuthentication(BaseAuthentication):
    """The dialects' credentials: a public client id and a secret, in two headers.

    Subclasses name the headers; each pair is tried in order, so the devdraft client's
    `x-client-key`/`x-client-secret` and the seed's curl `Client-Key`/`Client-Secret` both work.
    """

    header_pairs: tuple[tuple[str, str], ...] = ()

    def authenticate(self, request):
        for id_header, secret_header in self.header_pairs:
            client_id = request.headers.get(id_header)
            secret = request.headers.get(secret_header)
            if client_id or secret:
                if not (client_id and secret):
                    raise exceptions.AuthenticationFailed(
                        f"Both {id_header} and {secret_header} headers are required."
                    )
                principal = authenticate_secret(secret, client_id=client_id)
                return principal, principal.credential
        return None

    def authenticate_header(self, request):
        return 'ClientCredentials realm="api"'


class DevdraftAuthentication(HeaderPairAuthentication):
    header_pairs = (("x-client-key", "x-client-secret"), ("Client-Key", "Client-Secret"))


class UqpayAuthentication(HeaderPairAuthentication):
    header_pairs = (("x-client-id", "x-auth-token"),)
