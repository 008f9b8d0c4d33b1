"""OAuth2 access tokens as credentials (a resolver of `settings.API_CREDENTIAL_RESOLVERS`)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions

from accounts.models import Account, hash_secret
from api import ratelimit
from api.authentication import Principal
from core import sql
from oauth_app.models import OAuthToken

ACCESS_TOKEN_PREFIX = "tok_"


def token_rate_limit_key(family) -> str:
    """One counter per authorization: rotating the refresh token does not reset it."""
    return f"oauth:{family}"


def resolve_access_token(secret: str, *, client_id: str | None = None) -> Principal | None:
    """The access token with this secret (for the dialects, issued to the OAuth client
    `client_id`); None for secrets that are not access tokens. Its client is read with it, so
    a deactivated client, a rotated secret or narrowed scopes apply at once."""
    if not secret.startswith(ACCESS_TOKEN_PREFIX):
        return None
    token = sql.get_with(OAuthToken, ("account", "client"),  # the hot path's one statement
                         access_hash=hash_secret(secret))
    if token is None or (client_id is not None and token.client.client_id != client_id):
        raise exceptions.AuthenticationFailed("Invalid access token.")
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed("This access token has been revoked.")
    if token.access_expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed("This access token has expired.")
    if not token.client.trusts(token.created_at):
        raise exceptions.AuthenticationFailed(
            "This access token's client has been deactivated or its secret rotated.")
    return Principal(account=token.account, scopes=frozenset(token.effective_scopes),
                     credential=token, rate_limit_key=token_rate_limit_key(token.family))


def rate_limits_reset(*, account: Account) -> None:
    """The test reset's part for OAuth (a `TEST_DATA_RESETS` entry): forget the counters of
    every token family of the account that could have counted in the current windows."""
    recent = timezone.now() - timedelta(seconds=ratelimit.LONGEST_WINDOW_SECONDS)
    families = (
        OAuthToken.objects.filter(account=account, access_expires_at__gt=recent)
        .values_list("family", flat=True)
        .distinct()
    )
    ratelimit.clear([token_rate_limit_key(family) for family in families])
