"""OAuth2 access tokens as credentials (a resolver of `settings.API_CREDENTIAL_RESOLVERS`)."""

from django.utils import timezone
from rest_framework import exceptions

from accounts.models import hash_secret
from api.authentication import Principal
from oauth_app.models import OAuthToken

ACCESS_TOKEN_PREFIX = "tok_"


def resolve_access_token(secret: str, *, client_id: str | None = None) -> Principal | None:
    """The access token with this secret (for the dialects, issued to the OAuth client
    `client_id`); None for secrets that are not access tokens."""
    if not secret.startswith(ACCESS_TOKEN_PREFIX):
        return None
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
    # One counter per authorization: rotating the refresh token does not reset it.
    return Principal(account=token.account, scopes=frozenset(token.scopes), credential=token,
                     rate_limit_key=f"oauth:{token.family}")
