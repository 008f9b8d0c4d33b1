"""The only code that creates or changes OAuth clients, codes and tokens."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import scopes
from accounts.models import Account, hash_secret
from oauth_app.models import OAuthClient, OAuthGrant, OAuthToken


@transaction.atomic
def oauth_client_create(
    *,
    account: Account,
    client_id: str,
    name: str,
    secret: str,
    redirect_uris: list[str],
    scopes: list[str],
    grants: list[str] = ("authorization_code", "refresh_token", "client_credentials"),
    require_pkce: bool = False,
) -> OAuthClient:
    return OAuthClient.objects.create(
        account=account, client_id=client_id, name=name, secret_hash=make_password(secret),
        redirect_uris=list(redirect_uris), allowed_scopes=list(scopes),
        allowed_grants=list(grants), require_pkce=require_pkce,
    )


def oauth_grant_create(
    *, client: OAuthClient, code: str, redirect_uri: str, scopes: list[str],
    code_challenge: str = "", code_challenge_method: str = "",
) -> OAuthGrant:
    return OAuthGrant.objects.create(
        client=client, code_hash=hash_secret(code), redirect_uri=redirect_uri,
        scopes=list(scopes), code_challenge=code_challenge or "",
        code_challenge_method=code_challenge_method or "",
        expires_at=timezone.now() + settings.OAUTH_CODE_TTL,
    )


def oauth_grant_redeem(*, grant: OAuthGrant) -> None:
    """Mark a code used (the caller holds its row lock)."""
    grant.used_at = timezone.now()
    grant.save(update_fields=["used_at"])


def oauth_grant_replayed(*, grant: OAuthGrant) -> None:
    """A used code came back: revoke every token it produced (RFC 6749 §4.1.2)."""
    families = OAuthToken.objects.filter(grant=grant).values("family")
    OAuthToken.objects.filter(family__in=families, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def oauth_token_issue(
    *, client: OAuthClient, scopes: list[str], access_token: str, expires_in: int,
    refresh_token: str | None, grant: OAuthGrant | None = None,
    rotated_from: OAuthToken | None = None,
) -> OAuthToken:
    now = timezone.now()
    if rotated_from is not None:
        rotated_from.refresh_used_at = now
        rotated_from.save(update_fields=["refresh_used_at"])
    return OAuthToken.objects.create(
        client=client, account_id=client.account_id, grant=grant,
        family=rotated_from.family if rotated_from else uuid.uuid4(),
        scopes=list(scopes), access_hash=hash_secret(access_token),
        access_expires_at=now + timedelta(seconds=expires_in),
        refresh_hash=hash_secret(refresh_token) if refresh_token else None,
        refresh_expires_at=now + settings.OAUTH_REFRESH_TOKEN_TTL if refresh_token else None,
    )


def oauth_family_revoke(*, token: OAuthToken) -> None:
    """Revoke a token with every token rotated from the same authorization."""
    OAuthToken.objects.filter(family=token.family, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def demo_client_seed(*, account: Account) -> int:
    """The demo account's `my_app` client (seed 003's OAuth example), unless it exists."""
    if OAuthClient.objects.filter(client_id="my_app").exists():
        return 0
    oauth_client_create(
        account=account, client_id="my_app", name="My App", secret="my_secret",
        redirect_uris=["https://example.com/callback"], scopes=list(scopes.ALL),
    )
    return 1


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def oauth_client_update(*, client: OAuthClient, **fields) -> OAuthClient:
    """Change a client's settings (never its secret: see `oauth_client_rotate_secret`)."""
    editable = {"name", "redirect_uris", "allowed_scopes", "allowed_grants", "require_pkce",
                "is_active"}
    for name, value in fields.items():
        if name not in editable:
            raise ValueError(f"{name} cannot be changed")
        setattr(client, name, value)
    client.save(update_fields=[*fields])
    return client


@transaction.atomic
def oauth_client_rotate_secret(*, client: OAuthClient) -> str:
    """A new secret (returned once); the old one stops working at once."""
    secret = new_client_secret()
    client.secret_hash = make_password(secret)
    client.save(update_fields=["secret_hash"])
    return secret
