"""The OAuth2 server: authorize, token, revoke, introspect, and tokens on `/v1`."""

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts import scopes
from oauth_app.models import OAuthClient, OAuthGrant, OAuthToken
from oauth_app.services import oauth_client_create
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import client_for, uqpay_client
from tests.support.errors import oauth_error, uqpay_error, v1_error
from tests.support.factories import make_account
from tests.support.oauth import (
    REDIRECT,
    authorize,
    basic,
    code_for,
    form_post,
    pkce_pair,
    token,
)


class TestAuthorize:
    def test_the_documented_json(self, anon):
        response = authorize(anon, scope="payments:read", state="xyz")
        body = response.json()
        assert set(body) == {"authorization_code", "redirect_uri", "expires_in"}
        assert body["authorization_code"].startswith("authcode_")
        assert body["expires_in"] == 600
        query = parse_qs(urlsplit(body["redirect_uri"]).query)
        assert query == {"code": [body["authorization_code"]], "state": ["xyz"]}
        assert body["redirect_uri"].startswith(REDIRECT + "?")

    def test_redirect_uri_may_be_omitted_with_a_single_registered_one(self, anon):
        response = authorize(anon, redirect_uri=None)
        assert response.status_code == 200
        body = response.json()
        assert body["redirect_uri"] == f"{REDIRECT}?code={body['authorization_code']}"

    @pytest.mark.parametrize(
        ("params", "error"),
        [({"client_id": "nope"}, "invalid_request"),
         ({"client_id": None}, "invalid_request"),
         ({"redirect_uri": "https://evil.example/callback"}, "invalid_request"),
         ({"redirect_uri": REDIRECT + "?extra=1"}, "invalid_request"),
         ({"redirect_uri": REDIRECT + "/"}, "invalid_request"),
         ({"response_type": "token"}, "unsupported_response_type"),
         ({"response_type": None}, "invalid_request"),
         ({"scope": "payments:read superpowers"}, "invalid_scope"),
         ({"code_challenge": "abc", "code_challenge_method": "plain"}, "invalid_request")],
    )
    def test_errors_are_400_json_never_a_redirect(self, anon, params, error):
        response = authorize(anon, **params)
        assert response.status_code == 400
        assert "Location" not in response
        assert response.json()["error"] == error
        assert response.json()["error_description"]
        assert not OAuthGrant.objects.exists()

    def test_codes_are_stored_hashed(self, anon):
        code = code_for(anon)
        grant = OAuthGrant.objects.get()
        assert grant.code_hash == hashlib.sha256(code.encode()).hexdigest()
        assert code not in str(OAuthGrant.objects.values().get())


class TestAuthorizationCode:
    def test_the_documented_exchange_and_the_token_works_on_v1(self, anon):
        code = code_for(anon, scope="payments:read payments:write")
        response = token(anon, grant_type="authorization_code", code=code)
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
        assert body["access_token"].startswith("tok_")
        assert body["refresh_token"].startswith("rtok_")
        assert body["scope"] == "payments:read payments:write"
        assert response["Cache-Control"] == "no-store"
        api = client_for(body["access_token"])
        assert api.post("/v1/payments", PAYMENT_BODY, format="json").status_code == 201
        assert api.get("/v1/payments").json()["total_count"] == 1

    def test_form_body_and_basic_auth(self, anon):
        code = code_for(anon)
        response = form_post(anon, "/v1/oauth/token",
                             {"grant_type": "authorization_code", "code": code}, **basic())
        assert response.status_code == 200 and "access_token" in response.json()

    def test_a_code_is_single_use_and_its_replay_revokes_what_it_issued(self, anon):
        code = code_for(anon)
        first = token(anon, grant_type="authorization_code", code=code).json()
        replay = token(anon, grant_type="authorization_code", code=code)
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
        error = v1_error(client_for(first["access_token"]).get("/v1/payments"), 401,
                         type="authentication_error")
        assert "revoked" in error["message"]
        refreshed = token(anon, grant_type="refresh_token", refresh_token=first["refresh_token"])
        assert refreshed.json()["error"] == "invalid_grant"

    def test_pkce_verifier_is_checked(self, anon):
        verifier, challenge = pkce_pair()
        code = code_for(anon, code_challenge=challenge, code_challenge_method="S256")
        missing = token(anon, grant_type="authorization_code", code=code)
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
        wrong = token(anon, grant_type="authorization_code", code=code,
                      code_verifier=pkce_pair()[0])
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"

    def test_a_verifier_for_a_code_issued_without_a_challenge_is_refused(self, anon):
        """The PKCE downgrade: a code obtained without a challenge cannot pass for one that
        had one."""
        code = code_for(anon)
        response = token(anon, grant_type="authorization_code", code=code,
                         code_verifier=pkce_pair()[0])
        assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
        assert OAuthToken.objects.count() == 0

    def test_pkce_round_trip(self, anon):
        verifier, challenge = pkce_pair()
        code = code_for(anon, code_challenge=challenge, code_challenge_method="S256")
        response = token(anon, grant_type="authorization_code", code=code, code_verifier=verifier)
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer" and body["access_token"].startswith("tok_")
        assert body["refresh_token"].startswith("rtok_")
        assert client_for(body["access_token"]).get("/v1/payments").status_code == 200

    def test_pkce_can_be_required_per_client(self, anon, demo):
        oauth_client_create(account=demo, client_id="strict", name="Strict", secret="s3cret",
                            redirect_uris=[REDIRECT], scopes=[scopes.PAYMENTS_READ],
                            require_pkce=True)
        response = authorize(anon, client_id="strict")
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"

    def test_an_expired_code_is_refused(self, anon):
        code = code_for(anon)
        OAuthGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = token(anon, grant_type="authorization_code", code=code)
        assert response.json()["error"] == "invalid_grant"

    def test_redirect_uri_must_match_the_authorization_requests(self, anon, demo):
        code = code_for(anon)
        response = token(anon, grant_type="authorization_code", code=code,
                         redirect_uri="https://example.com/other")
        assert response.status_code == 400
        assert response.json()["error"] in {"invalid_request", "invalid_grant"}

    def test_redirect_uri_is_required_with_several_registered(self, anon, demo):
        oauth_client_create(account=demo, client_id="multi", name="Multi", secret="s3cret",
                            redirect_uris=[REDIRECT, "https://example.com/other"],
                            scopes=[scopes.PAYMENTS_READ])
        oauth_error(authorize(anon, client_id="multi", redirect_uri=None), 400,
                    "invalid_request")
        code = code_for(anon, client_id="multi")
        response = token(anon, client_id="multi", client_secret="s3cret",
                         grant_type="authorization_code", code=code)
        oauth_error(response, 400, "invalid_request")
        ok = token(anon, client_id="multi", client_secret="s3cret",
                   grant_type="authorization_code", code=code_for(anon, client_id="multi"),
                   redirect_uri=REDIRECT)
        assert ok.status_code == 200 and ok.json()["access_token"].startswith("tok_")

    def test_a_code_belongs_to_its_client(self, anon, demo):
        oauth_client_create(account=demo, client_id="other", name="Other", secret="s3cret",
                            redirect_uris=[REDIRECT], scopes=list(scopes.ALL))
        code = code_for(anon)
        response = token(anon, client_id="other", client_secret="s3cret",
                         grant_type="authorization_code", code=code)
        assert response.json()["error"] == "invalid_grant"

    @pytest.mark.parametrize(
        ("client_id", "secret"), [("my_app", "wrong"), ("nope", "my_secret"), ("my_app", None)]
    )
    def test_bad_client_credentials_are_401_invalid_client(self, anon, client_id, secret):
        code = code_for(anon)
        response = token(anon, client_id=client_id, client_secret=secret,
                         grant_type="authorization_code", code=code)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"

    def test_tokens_are_stored_hashed(self, anon):
        body = token(anon, grant_type="authorization_code", code=code_for(anon)).json()
        stored = str(list(OAuthToken.objects.values()))
        assert body["access_token"] not in stored and body["refresh_token"] not in stored
        assert "my_secret" not in str(list(OAuthClient.objects.values()))


class TestRefresh:
    @pytest.fixture
    def issued(self, anon):
        code = code_for(anon, scope="payments:read payments:write")
        return token(anon, grant_type="authorization_code", code=code).json()

    def test_rotation(self, anon, issued):
        response = token(anon, grant_type="refresh_token", refresh_token=issued["refresh_token"])
        assert response.status_code == 200
        rotated = response.json()
        assert rotated["refresh_token"] != issued["refresh_token"]
        assert rotated["scope"] == "payments:read payments:write"
        assert client_for(rotated["access_token"]).get("/v1/payments").status_code == 200

    def test_reuse_after_rotation_fails_and_revokes_the_family(self, anon, issued):
        rotated = token(anon, grant_type="refresh_token",
                        refresh_token=issued["refresh_token"]).json()
        reuse = token(anon, grant_type="refresh_token", refresh_token=issued["refresh_token"])
        assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
        assert client_for(rotated["access_token"]).get("/v1/payments").status_code == 401
        again = token(anon, grant_type="refresh_token", refresh_token=rotated["refresh_token"])
        assert again.json()["error"] == "invalid_grant"

    def test_scope_can_narrow_but_never_widen(self, anon, issued):
        narrower = token(anon, grant_type="refresh_token", scope="payments:read",
                         refresh_token=issued["refresh_token"])
        assert narrower.json()["scope"] == "payments:read"
        wider = token(anon, grant_type="refresh_token", scope="payments:read api:admin",
                      refresh_token=narrower.json()["refresh_token"])
        assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


class TestClientCredentials:
    def test_issues_an_access_token_only(self, anon):
        response = form_post(anon, "/v1/oauth/token",
                             {"grant_type": "client_credentials", "scope": "payments:read"},
                             **basic())
        body = response.json()
        assert response.status_code == 200 and "refresh_token" not in body
        api = client_for(body["access_token"])
        assert api.get("/v1/payments").status_code == 200
        v1_error(api.post("/v1/payments", PAYMENT_BODY, format="json"), 403,
                 type="permission_error", code="insufficient_scope")

    def test_scopes_beyond_the_clients_are_refused(self, anon, demo):
        oauth_client_create(account=demo, client_id="reader", name="Reader", secret="s3cret",
                            redirect_uris=[REDIRECT], scopes=[scopes.PAYMENTS_READ])
        response = form_post(anon, "/v1/oauth/token",
                             {"grant_type": "client_credentials", "scope": "payments:write"},
                             **basic("reader", "s3cret"))
        assert response.status_code == 400 and response.json()["error"] == "invalid_scope"

    def test_unsupported_grant_types(self, anon):
        response = form_post(anon, "/v1/oauth/token",
                             {"grant_type": "password", "username": "a", "password": "b"},
                             **basic())
        assert response.json()["error"] == "unsupported_grant_type"

    def test_a_clients_token_sees_only_its_account(self, anon, api, create_payment):
        other = make_account(name="Other merchant")
        oauth_client_create(account=other, client_id="other_app", name="Other", secret="s3cret",
                            redirect_uris=[REDIRECT], scopes=list(scopes.ALL))
        payment_id = create_payment().json()["id"]
        body = form_post(anon, "/v1/oauth/token", {"grant_type": "client_credentials"},
                         **basic("other_app", "s3cret")).json()
        foreign = client_for(body["access_token"])
        v1_error(foreign.get(f"/v1/payments/{payment_id}"), 404, code="resource_missing",
                 message=f"Payment '{payment_id}' not found.")
        assert foreign.get("/v1/payments").json()["total_count"] == 0


class TestAccessTokensOnV1:
    def test_expired_tokens_are_401(self, anon):
        body = token(anon, grant_type="authorization_code", code=code_for(anon)).json()
        OAuthToken.objects.update(access_expires_at=timezone.now() - timedelta(seconds=1))
        response = client_for(body["access_token"]).get("/v1/payments")
        assert response.status_code == 401
        assert "expired" in response.json()["error"]["message"]

    def test_unknown_tokens_are_401(self, anon):
        v1_error(client_for("tok_madeup").get("/v1/payments"), 401, type="authentication_error",
                 code="invalid_credentials", message="Invalid access token.")

    def test_uqpay_accepts_an_access_token_with_its_client_id(self, anon, completed_payment):
        access = token(anon, grant_type="authorization_code", code=code_for(anon)).json()
        client = uqpay_client("my_app", access["access_token"])
        # Authenticated: the refund just does not exist.
        uqpay_error(client.get("/api/v2/payment/refunds/ref_nope"), 404,
                    code="resource_missing", message="Refund 'ref_nope' not found.")
        client = uqpay_client("demo_client_standard", access["access_token"])
        uqpay_error(client.get("/api/v2/payment/refunds/ref_nope"), 401,
                    code="invalid_credentials")


class TestRevokeAndIntrospect:
    @pytest.fixture
    def issued(self, anon):
        return token(anon, grant_type="authorization_code", code=code_for(anon)).json()

    def test_introspect_an_active_token(self, anon, issued):
        response = form_post(anon, "/v1/oauth/introspect", {"token": issued["access_token"]},
                             **basic())
        body = response.json()
        assert body["active"] is True and body["client_id"] == "my_app"
        assert body["sub"] == "acct_demo" and body["exp"] > body["iat"]
        refresh = form_post(anon, "/v1/oauth/introspect",
                            {"token": issued["refresh_token"],
                             "token_type_hint": "refresh_token"}, **basic()).json()
        assert refresh["active"] is True

    def test_revoking_the_access_token_ends_the_authorization(self, anon, issued):
        response = form_post(anon, "/v1/oauth/revoke", {"token": issued["access_token"]},
                             **basic())
        assert (response.status_code, response.json()) == (200, {})
        v1_error(client_for(issued["access_token"]).get("/v1/payments"), 401,
                 type="authentication_error", message="This access token has been revoked.")
        for kind in ("access_token", "refresh_token"):
            body = form_post(anon, "/v1/oauth/introspect", {"token": issued[kind]},
                             **basic()).json()
            assert body == {"active": False}

    def test_revoking_the_refresh_token(self, anon, issued):
        form_post(anon, "/v1/oauth/revoke", {"token": issued["refresh_token"],
                                             "token_type_hint": "refresh_token"}, **basic())
        reuse = token(anon, grant_type="refresh_token", refresh_token=issued["refresh_token"])
        assert reuse.json()["error"] == "invalid_grant"

    def test_json_bodies_work_too(self, anon, issued):
        body = {"token": issued["access_token"], "client_id": "my_app",
                "client_secret": "my_secret"}
        assert anon.post("/v1/oauth/introspect", body, format="json").json()["active"] is True

    def test_unknown_token_revocation_is_200(self, anon, demo):
        response = form_post(anon, "/v1/oauth/revoke", {"token": "tok_nope"}, **basic())
        # RFC 7009: the same answer as for a token that existed, telling nothing.
        assert (response.status_code, response.json()) == (200, {})

    def test_client_authentication_is_required(self, anon, issued):
        for path in ("/v1/oauth/revoke", "/v1/oauth/introspect"):
            response = form_post(anon, path, {"token": issued["access_token"]})
            assert response.status_code == 401 and response.json()["error"] == "invalid_client"
        assert client_for(issued["access_token"]).get("/v1/payments").status_code == 200

    def test_a_client_cannot_touch_another_clients_tokens(self, anon, demo, issued):
        oauth_client_create(account=demo, client_id="other", name="Other", secret="s3cret",
                            redirect_uris=[REDIRECT], scopes=list(scopes.ALL))
        peek = form_post(anon, "/v1/oauth/introspect", {"token": issued["access_token"]},
                         **basic("other", "s3cret"))
        assert peek.json() == {"active": False}
        form_post(anon, "/v1/oauth/revoke", {"token": issued["access_token"]},
                  **basic("other", "s3cret"))
        assert client_for(issued["access_token"]).get("/v1/payments").status_code == 200


class TestWireDetails:
    def test_non_form_non_json_is_415_in_rfc_6749_shape(self, anon):
        response = anon.post("/v1/oauth/token", "x", content_type="text/plain")
        assert response.status_code == 415
        assert set(response.json()) == {"error", "error_description"}

    def test_unknown_oauth_route_is_404_in_rfc_6749_shape(self, anon):
        response = anon.get("/v1/oauth/nope")
        assert response.status_code == 404 and response.json()["error"] == "invalid_request"

    def test_seed_demo_registers_my_app(self, demo):
        client = OAuthClient.objects.get(client_id="my_app")
        assert client.redirect_uris == [REDIRECT]
        assert set(client.allowed_scopes) == set(scopes.ALL)
        assert client.account == demo
