"""Speaking OAuth2 to `/v1/oauth` as the demo's `my_app` client: authorization
requests, token requests in JSON or as forms, Basic client authentication and PKCE."""

import base64
import hashlib
import secrets
from urllib.parse import urlencode

REDIRECT = "https://example.com/callback"  # my_app's one registered redirect URI
CLIENT_ID, CLIENT_SECRET = "my_app", "my_secret"


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(client, **params):
    """GET /v1/oauth/authorize for my_app; a parameter given as None is left out."""
    query = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
             **params}
    return client.get("/v1/oauth/authorize", {k: v for k, v in query.items() if v is not None})


def code_for(client, **params) -> str:
    """A fresh authorization code (the authorization request must succeed)."""
    response = authorize(client, **params)
    assert response.status_code == 200, response.content
    return response.json()["authorization_code"]


def token(client, **body):
    """A JSON token request (the documented style) authenticated with body credentials; a
    field given as None is left out."""
    body = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **body}
    body = {k: v for k, v in body.items() if v is not None}
    return client.post("/v1/oauth/token", body, format="json")


def form_post(client, path, data, **headers):
    """A form-encoded request, as RFC 6749, 7009 and 7662 describe them."""
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded",
                       headers=headers)


def basic(client_id=CLIENT_ID, secret=CLIENT_SECRET) -> dict[str, str]:
    """HTTP Basic client authentication, as headers."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
