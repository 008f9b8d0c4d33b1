"""Ceilings of SQL statements per token request (issue 19: the token endpoint's cost).

Run outside a test transaction, as `TestQueryCounts` in tests/payments/test_api.py is, so
that the token request's own transaction is real: BEGIN and COMMIT are counted.
"""

import base64
import hashlib
import secrets

import pytest
from rest_framework.test import APIClient

REDIRECT = "https://example.com/callback"
CLIENT = {"client_id": "my_app", "client_secret": "my_secret"}


@pytest.fixture
def anon(demo):
    return APIClient()


@pytest.mark.django_db(transaction=True)
class TestTokenQueryCounts:
    def test_client_credentials(self, anon, count_queries):
        """Data: the client (with its account), the token INSERT. Plus BEGIN, COMMIT."""
        with count_queries(statements=4, queries=2):
            response = anon.post("/v1/oauth/token",
                                 {"grant_type": "client_credentials", **CLIENT}, format="json")
            assert response.status_code == 200, response.content

    def test_authorization_code_with_pkce(self, anon, count_queries):
        """Data: the client, the code (locked), the token INSERT, the code marked used.
        Plus BEGIN, COMMIT."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        authorized = anon.get("/v1/oauth/authorize", {
            "client_id": "my_app", "redirect_uri": REDIRECT, "response_type": "code",
            "scope": "payments:read", "code_challenge": challenge,
            "code_challenge_method": "S256"})
        code = authorized.json()["authorization_code"]
        with count_queries(statements=6, queries=4):
            response = anon.post("/v1/oauth/token", {
                "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": REDIRECT, **CLIENT}, format="json")
            assert response.status_code == 200, response.content
            assert response.json()["refresh_token"].startswith("rtok_")
