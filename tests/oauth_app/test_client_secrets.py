"""Client secrets: a keyed HMAC, checked in constant time, with the same work for unknown
client ids; password hashes from before are replaced on their next successful use."""

import base64

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.test import APIClient

from accounts import scopes
from oauth_app import services
from oauth_app.models import OAuthClient
from oauth_app.services import SECRET_HASH_PREFIX, oauth_client_create


def client_credentials(client_id="my_app", secret="my_secret"):
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return APIClient().post("/v1/oauth/token", "grant_type=client_credentials",
                            content_type="application/x-www-form-urlencoded",
                            headers={"Authorization": f"Basic {credentials}"})


@pytest.fixture
def hash_calls(monkeypatch):
    """Every keyed hash and every password-hash check made while checking secrets."""
    calls = []
    hmac, check_password = services.salted_hmac, services.check_password
    monkeypatch.setattr(services, "salted_hmac",
                        lambda *a, **k: (calls.append("hmac"), hmac(*a, **k))[1])
    monkeypatch.setattr(services, "check_password",
                        lambda *a, **k: (calls.append("password"), check_password(*a, **k))[1])
    return calls


def test_secrets_are_stored_as_a_keyed_hmac(demo):
    client = oauth_client_create(account=demo, client_id="partner", name="Partner",
                                 secret="s3cret-partner", redirect_uris=[],
                                 scopes=[scopes.PAYMENTS_READ])
    assert client.secret_hash.startswith(SECRET_HASH_PREFIX)
    assert len(client.secret_hash) == len(SECRET_HASH_PREFIX) + 64
    assert "s3cret-partner" not in client.secret_hash
    assert client_credentials("partner", "s3cret-partner").status_code == 200
    assert OAuthClient.objects.get(client_id="my_app").secret_hash.startswith(SECRET_HASH_PREFIX)


def test_unknown_and_known_client_ids_cost_the_same_hash(demo, hash_calls):
    """Rather than timing: both paths make the same calls to the same hash function."""
    assert client_credentials("my_app", "wrong").status_code == 401
    known = list(hash_calls)
    hash_calls.clear()
    assert client_credentials("no_such_app", "wrong").status_code == 401
    assert hash_calls == known == ["hmac"]
    hash_calls.clear()
    assert client_credentials("my_app", "my_secret").status_code == 200
    assert hash_calls == ["hmac"]


def test_a_legacy_pbkdf2_hash_is_replaced_on_its_next_successful_use(demo, settings,
                                                                      hash_calls):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    legacy = PBKDF2PasswordHasher().encode("my_secret", "somesalt", iterations=1000)
    OAuthClient.objects.filter(client_id="my_app").update(secret_hash=legacy)

    assert client_credentials("my_app", "wrong").status_code == 401
    assert OAuthClient.objects.get(client_id="my_app").secret_hash == legacy
    assert hash_calls == ["password"]  # the old cost, until the row is re-hashed

    assert client_credentials("my_app", "my_secret").status_code == 200
    rehashed = OAuthClient.objects.get(client_id="my_app").secret_hash
    assert rehashed == services.client_secret_hash("my_secret")
    hash_calls.clear()
    assert client_credentials("my_app", "my_secret").status_code == 200
    assert hash_calls == ["hmac"]


def test_a_rotated_secret_key_keeps_clients_working_and_re_hashes_them(demo, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-0123456789"
    assert client_credentials("my_app", "wrong").status_code == 401
    assert client_credentials("my_app", "my_secret").status_code == 200
    assert (OAuthClient.objects.get(client_id="my_app").secret_hash
            == services.client_secret_hash("my_secret"))
    settings.SECRET_KEY_FALLBACKS = []
    assert client_credentials("my_app", "my_secret").status_code == 200


def test_a_rotated_secret_is_high_entropy_and_replaces_the_old_one(demo):
    client = OAuthClient.objects.get(client_id="my_app")
    secret = services.oauth_client_rotate_secret(client=client)
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert client_credentials("my_app", "my_secret").status_code == 401
    assert client_credentials("my_app", secret).status_code == 200
