"""The only code that creates or changes OAuth clients, codes and tokens."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import scopes
from accounts.models import Account, hash_secret
from core import sql
from oauth_app.models import OAuthClient, OAuthGrant, OAuthToken

# Client secrets are long random strings, not passwords: a keyed HMAC is as safe to store as
# a slow password hash and costs microseconds, so a flood of token requests costs no CPU.
SECRET_HASH_PREFIX = "hmac-sha256$"
_SECRET_SALT = "oauth_app.client_secret"
# What an unknown client id's secret is compared with: the same work as for a known one.
_NO_CLIENT_HASH = SECRET_HASH_PREFIX + "0" * 64


def _secret_hashes(secret: str) -> list[str]:
    """The secret's keyed hash under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS (so
    that rotating SECRET_KEY does not lock every client out)."""
    return [
        SECRET_HASH_PREFIX + salted_hmac(_SECRET_SALT, secret, secret=key,
                                         algorithm="sha256").hexdigest()
        for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    ]


def client_secret_hash(secret: str) -> str:
    return _secret_hashes(secret)[0]


def client_secret_check(*, client: OAuthClient | None, secret: str) -> bool:
    """Whether `secret` is `client`'s; None (an unknown client id) costs the same as a client.

    A hash from before `hmac-sha256$` (a Django password hash) is checked at its own, slow,
    cost once more and replaced on success; so is one made under a fallback SECRET_KEY.
    """
    stored = client.secret_hash if client is not None else _NO_CLIENT_HASH
    if stored.startswith(SECRET_HASH_PREFIX):
        matches = [constant_time_compare(candidate, stored)
                   for candidate in _secret_hashes(secret)]
        if client is None or not any(matches):
            return False
        current = matches[0]
    else:
        if not check_password(secret, stored):
            return False
        current = False
    if not current:
        client.secret_hash = client_secret_hash(secret)
        client.save(update_fields=["secret_hash"])
    return True


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
        account=account, client_id=client_id, name=name, secret_hash=client_secret_hash(secret),
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
    sql.update(OAuthGrant, {"used_at": grant.used_at}, where={"id": grant.pk})  # hot path


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
    """Store a new token (its hashes; `core.sql`: on every token request)."""
    now = timezone.now()
    if rotated_from is not None:
        rotated_from.refresh_used_at = now
        rotated_from.save(update_fields=["refresh_used_at"])
    token = OAuthToken(
        client=client, account_id=client.account_id, grant=grant,
        family=rotated_from.family if rotated_from else uuid.uuid4(),
        scopes=list(scopes), access_hash=hash_secret(access_token),
        access_expires_at=now + timedelta(seconds=expires_in),
        refresh_hash=hash_secret(refresh_token) if refresh_token else None,
        refresh_expires_at=now + settings.OAUTH_REFRESH_TOKEN_TTL if refresh_token else None,
    )
    sql.insert([token])
    return token


def oauth_family_revoke(*, token: OAuthToken) -> None:
    """Revoke a token with every token rotated from the same authorization."""
    OAuthToken.objects.filter(family=token.family, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def demo_client_seed(*, account: Account) -> int:
    """The demo account's `my_app` client (the documented OAuth example), unless it exists."""
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
    """Change a client's settings (never its secret: see `oauth_client_rotate_secret`).

    Its existing tokens follow at once: they are checked against the client whenever they
    are used (`OAuthClient.trusts`, `OAuthToken.effective_scopes`).
    """
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
    """A new secret (returned once); the old one, and every token issued before, stop working
    at once."""
    secret = new_client_secret()
    client.secret_hash = client_secret_hash(secret)
    client.secret_rotated_at = timezone.now()
    client.save(update_fields=["secret_hash", "secret_rotated_at"])
    return secret


def _delete_in_batches(queryset: models.QuerySet, batch: int = 1000) -> int:
    """Delete what `queryset` matches a batch at a time: a first purge of a large table holds
    neither long locks nor every row in memory."""
    deleted = 0
    while pks := list(queryset.values_list("pk", flat=True)[:batch]):
        deleted += queryset.model.objects.filter(pk__in=pks).delete()[0]
    return deleted


def oauth_grants_purge(*, grace: timedelta) -> int:
    """Periodic job: delete codes expired more than `OAUTH_RETENTION` ago (a code is used, if
    at all, before it expires). The retention, not `grace`, decides."""
    cutoff = timezone.now() - settings.OAUTH_RETENTION
    return _delete_in_batches(OAuthGrant.objects.filter(expires_at__lt=cutoff))


def oauth_tokens_purge(*, grace: timedelta) -> int:
    """Periodic job: delete tokens revoked, or expired with their refresh token, more than
    `OAUTH_RETENTION` ago. A rotated refresh token is kept until it would have expired:
    until then its replay must still be recognised (and revoke its family)."""
    cutoff = timezone.now() - settings.OAUTH_RETENTION
    dead = Q(revoked_at__lt=cutoff) | Q(
        Q(refresh_expires_at=None) | Q(refresh_expires_at__lt=cutoff),
        access_expires_at__lt=cutoff,
    )
    return _delete_in_batches(OAuthToken.objects.filter(dead))
