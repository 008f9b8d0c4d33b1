"""The only code that creates or changes accounts and API keys, or resets test data."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, ApiKey, hash_secret
from api.idempotency import keys_reset
from core.registry import Registry

# What `test_data_reset` deletes, registered by the apps that own it: each is called as
# `reset(account=...)` inside the reset's transaction.
TEST_DATA_RESETS = Registry("test data reset")


@transaction.atomic
def account_create(*, name: str, public_id: str | None = None) -> Account:
    fields = {"name": name}
    if public_id:
        fields["public_id"] = public_id
    return Account.objects.create(**fields)


@transaction.atomic
def api_key_create(
    *,
    account: Account,
    name: str,
    scopes: list[str],
    secret: str | None = None,
    client_id: str | None = None,
    is_active: bool = True,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is the only copy there will ever be."""
    secret = secret or f"sk_test_{secrets.token_urlsafe(24)}"
    key = ApiKey.objects.create(
        account=account,
        name=name,
        client_id=client_id or f"client_{secrets.token_hex(8)}",
        secret_hash=hash_secret(secret),
        secret_prefix=secret[:12],
        scopes=list(scopes),
        is_active=is_active,
        expires_at=expires_at,
    )
    return key, secret


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    key.is_active = False
    key.save(update_fields=["is_active"])
    return key


def api_key_touch(*, key: ApiKey) -> None:
    """Record use, at most once a minute per key, so reads stay free of writes."""
    now = timezone.now()
    if key.last_used_at and now - key.last_used_at < settings.API_KEY_LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


@transaction.atomic
def test_data_reset(*, account: Account) -> None:
    """Delete the account's test data: what each app registered in `TEST_DATA_RESETS`
    (payments with their refunds, webhook endpoints and events), and its finished
    idempotency keys."""
    for _name, reset in TEST_DATA_RESETS:
        reset(account=account)
    keys_reset(account=account)
