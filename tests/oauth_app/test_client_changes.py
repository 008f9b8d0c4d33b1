"""Deactivating a client, narrowing its scopes or rotating its secret applies to the tokens
it already holds, at once: on /v1, on refresh and on introspection."""

import pytest

from oauth_app import services
from oauth_app.models import OAuthClient
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import client_for, uqpay_client
from tests.support.errors import oauth_error, uqpay_error, v1_error
from tests.support.oauth import basic, code_for, form_post, token


@pytest.fixture
def my_app(demo):
    return OAuthClient.objects.get(client_id="my_app")


@pytest.fixture
def issued(anon):
    code = code_for(anon, scope="payments:read payments:write")
    return token(anon, grant_type="authorization_code", code=code).json()


def introspect(anon, value, secret="my_secret"):
    return form_post(anon, "/v1/oauth/introspect", {"token": value}, **basic(secret=secret))


def test_deactivating_a_client_ends_its_tokens_at_once(anon, my_app, issued):
    api = client_for(issued["access_token"])
    assert api.get("/v1/payments").status_code == 200
    services.oauth_client_update(client=my_app, is_active=False)
    response = api.get("/v1/payments")
    assert response.status_code == 401
    assert "deactivated" in response.json()["error"]["message"]
    uqpay = uqpay_client("my_app", issued["access_token"])
    error = uqpay_error(uqpay.get("/api/v2/payment/refunds/ref_nope"), 401)
    assert "deactivated" in error["message"]
    refresh = token(anon, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert refresh.status_code == 401 and refresh.json()["error"] == "invalid_client"
    oauth_error(introspect(anon, issued["access_token"]), 401, "invalid_client")


def test_narrowing_a_clients_scopes_narrows_its_tokens(anon, my_app, issued):
    api = client_for(issued["access_token"])
    services.oauth_client_update(client=my_app, allowed_scopes=["payments:read"])
    assert api.get("/v1/payments").status_code == 200
    v1_error(api.post("/v1/payments", PAYMENT_BODY, format="json"), 403,
             type="permission_error", code="insufficient_scope",
             message="This credential lacks the 'payments:write' scope.")
    assert introspect(anon, issued["access_token"]).json()["scope"] == "payments:read"
    refreshed = token(anon, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json()["scope"] == "payments:read"
    code = code_for(anon, scope="payments:read")
    assert token(anon, grant_type="authorization_code", code=code).json()["scope"] == (
        "payments:read")


def test_rotating_the_secret_ends_the_tokens_issued_before(anon, my_app, issued):
    secret = services.oauth_client_rotate_secret(client=my_app)
    response = client_for(issued["access_token"]).get("/v1/payments")
    assert response.status_code == 401 and "rotated" in response.json()["error"]["message"]
    for kind in ("access_token", "refresh_token"):
        assert introspect(anon, issued[kind], secret=secret).json() == {"active": False}
    refresh = token(anon, client_secret=secret, grant_type="refresh_token",
                    refresh_token=issued["refresh_token"])
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    oauth_error(token(anon, grant_type="client_credentials"), 401, "invalid_client")  # old one
    fresh = token(anon, client_secret=secret, grant_type="client_credentials").json()
    assert client_for(fresh["access_token"]).get("/v1/payments").status_code == 200
    assert introspect(anon, fresh["access_token"], secret=secret).json()["active"] is True
