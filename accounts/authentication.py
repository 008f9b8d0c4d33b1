"""API keys as credentials (a resolver of `settings.API_CREDENTIAL_RESOLVERS`)."""

from rest_framework import exceptions

from accounts.models import Account, ApiKey, hash_secret
from accounts.services import api_key_touch
from api.authentication import Principal
from core import sql


def api_key_rate_limit_key(pk: int) -> str:
    return f"apikey:{pk}"


def api_key_rate_limit_keys(account: Account) -> list[str]:
    """The counters of every key of the account (the test reset clears them all)."""
    return [api_key_rate_limit_key(pk)
            for pk in ApiKey.objects.filter(account=account).values_list("pk", flat=True)]


def resolve_api_key(secret: str, *, client_id: str | None = None) -> Principal | None:
    """The key with this secret (and, for the dialects, this public client id), or None."""
    key = sql.get_with(ApiKey, ("account",), secret_hash=hash_secret(secret))  # hot path
    if key is None:
        return None
    if client_id is not None and key.client_id != client_id:
        raise exceptions.AuthenticationFailed("Invalid API credentials.")
    if not key.is_active:
        raise exceptions.AuthenticationFailed("This API key is inactive.")
    if key.is_expired:
        raise exceptions.AuthenticationFailed("This API key has expired.")
    api_key_touch(key=key)
    return Principal(account=key.account, scopes=frozenset(key.scopes), credential=key,
                     rate_limit_key=api_key_rate_limit_key(key.pk))
