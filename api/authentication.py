"""Who is calling: credentials read from each format's headers, resolved by the apps.

The formats' toolkits choose the readers of their headers (here, the ones they share); what
a secret means (an API key, an OAuth access token) is decided by the resolvers named in
`settings.API_CREDENTIAL_RESOLVERS`, tried in order: each returns a `Principal`, None when
the secret is not of its kind, or raises `AuthenticationFailed` when it is of its kind but
not valid.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: the account it acts for and what it may do."""

    account: object
    scopes: frozenset[str]
    credential: object
    rate_limit_key: str  # whose counters this request counts against

    is_authenticated = True
    is_anonymous = False

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


@cache
def _resolvers() -> tuple:
    return tuple(import_string(path) for path in settings.API_CREDENTIAL_RESOLVERS)


def resolve_secret(secret: str, *, client_id: str | None = None) -> Principal:
    """The principal a secret stands for (for the dialects, it must also belong to the
    public `client_id` sent beside it)."""
    for resolve in _resolvers():
        principal = resolve(secret, client_id=client_id)
        if principal is not None:
            return principal
    raise exceptions.AuthenticationFailed("Invalid API credentials.")


class BearerAuthentication(BaseAuthentication):
    """`/v1` credentials (and the base of Stripe's): `Authorization: Bearer <API key or
    OAuth access token>`, or `X-API-Key: <API key>`."""

    keyword = "Bearer"

    def authenticate(self, request):
        secret = self._secret(request)
        if secret is None:
            return None
        principal = resolve_secret(secret)
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

    Subclasses name the headers; each pair is tried in order (devdraft's client sends
    `x-client-key`/`x-client-secret`, its documentation's curl `Client-Key`/`Client-Secret`).
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
                principal = resolve_secret(secret, client_id=client_id)
                return principal, principal.credential
        return None

    def authenticate_header(self, request):
        return 'ClientCredentials realm="api"'
