import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import ApiKey, hash_secret


def test_seed_demo_creates_the_documented_keys_with_their_permissions(demo):
    keys = {k.client_id: k for k in ApiKey.objects.filter(account=demo)}
    assert set(keys) == {"demo_client_standard", "demo_client_admin", "demo_client_readonly",
                         "demo_client_expired"}
    standard = keys["demo_client_standard"]
    assert standard.secret_hash == hash_secret("demo_key_4eC39HqLyjWDarjtT1zdp7dc")
    assert set(standard.scopes) == {"payments:read", "payments:write", "refunds:write"}
    assert set(keys["demo_client_admin"].scopes) == {
        "payments:read", "payments:write", "refunds:write", "webhooks:manage", "api:admin"}
    assert keys["demo_client_readonly"].scopes == ["payments:read"]
    assert not keys["demo_client_expired"].is_usable


def test_secrets_are_stored_only_as_hashes(demo):
    for key in ApiKey.objects.all():
        assert not key.secret_hash.startswith("demo_key")
        assert len(key.secret_hash) == 64


def test_seed_demo_twice_changes_nothing(demo):
    before = list(ApiKey.objects.order_by("pk").values())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert list(ApiKey.objects.order_by("pk").values()) == before


def test_seed_demo_refuses_outside_development(db, settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
