"""OAuth clients and tokens in the admin: changes go through the services, each with its own
permission; new secrets are shown once on a page of their own, never in a cookie."""

import base64
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework.test import APIClient

from oauth_app.models import OAuthClient, OAuthToken
from oauth_app.services import oauth_token_issue
from tests.support.staff import VIEW_ONLY, staff_user

CLIENTS = "/admin/oauth_app/oauthclient/"
TOKENS = "/admin/oauth_app/oauthtoken/"
NEW_CLIENT = {
    "client_id": "partner_app", "name": "Partner",
    "redirect_uris": "https://partner.example/cb\nhttps://partner.example/cb2",
    "allowed_scopes": ["payments:read"], "allowed_grants": ["client_credentials"],
    "is_active": "on",
}


@pytest.fixture
def log_in(client, django_user_model, demo):
    """Log in a staff user holding exactly the permissions named (or a superuser)."""

    def log_in(*perms, superuser=False):
        if superuser:
            user = django_user_model.objects.create_superuser("ops", "o@example.com", "pw")
        else:
            user = staff_user(django_user_model, "operator", *perms)
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def my_app(demo):
    return OAuthClient.objects.get(client_id="my_app")


@pytest.fixture
def token(my_app):
    return oauth_token_issue(client=my_app, scopes=["payments:read"], access_token="tok_x",
                             expires_in=3600, refresh_token=None)


def mint(client_id: str, secret: str) -> int:
    """The status of a client_credentials token request made with this secret."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return APIClient().post("/v1/oauth/token", urlencode({"grant_type": "client_credentials"}),
                            content_type="application/x-www-form-urlencoded",
                            headers={"Authorization": f"Basic {basic}"}).status_code


def rotate(client, oauth_client):
    return client.post(CLIENTS, {"action": "rotate_secret",
                                 "_selected_action": [oauth_client.pk]})


def revoke(client, token):
    return client.post(TOKENS, {"action": "revoke", "_selected_action": [token.pk]})


def assert_shown_once(response, staff) -> str:
    """The page that shows a new secret: not cached, and the secret in no cookie or session."""
    assert response.status_code == 200
    assert response.templates[0].name == "admin/secrets_once.html"
    assert "no-store" in response["Cache-Control"]
    [secret] = [s for _, s in response.context["secrets"]]
    assert secret in response.content.decode()
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert all(secret not in morsel.value for morsel in staff.cookies.values())
    assert secret not in str(dict(staff.session.items()))
    assert list(response.context["messages"]) == []
    return secret


def test_create_a_client_shows_its_secret_once(log_in, demo):
    staff = log_in("oauth_app.add_oauthclient", "oauth_app.view_oauthclient")
    response = staff.post(f"{CLIENTS}add/", {**NEW_CLIENT, "account": demo.pk})
    secret = assert_shown_once(response, staff)
    client = OAuthClient.objects.get(client_id="partner_app")
    assert client.redirect_uris == ["https://partner.example/cb", "https://partner.example/cb2"]
    assert mint("partner_app", secret) == 200
    change_page = staff.get(f"{CLIENTS}{client.pk}/change/")
    assert secret not in change_page.content.decode()


def test_rotating_shows_the_new_secret_once_and_the_old_one_dies(log_in, my_app):
    staff = log_in("oauth_app.view_oauthclient", "oauth_app.rotate_secret_oauthclient")
    secret = assert_shown_once(rotate(staff, my_app), staff)
    assert mint("my_app", "my_secret") == 401 and mint("my_app", secret) == 200
    assert LogEntry.objects.get().change_message == "Rotated the client secret."


def test_bad_redirect_uri_is_refused(log_in, demo):
    response = log_in(superuser=True).post(f"{CLIENTS}add/", {
        **NEW_CLIENT, "client_id": "x", "account": demo.pk, "redirect_uris": "not a url"})
    assert response.status_code == 200 and not OAuthClient.objects.filter(client_id="x").exists()


def test_pages_load_and_revoke_action(log_in, my_app, token):
    staff = log_in(superuser=True)
    for url in [CLIENTS, f"{CLIENTS}{my_app.pk}/change/", TOKENS, "/admin/accounts/account/"]:
        assert staff.get(url).status_code == 200, url
    revoke(staff, token)
    assert OAuthToken.objects.get().revoked_at is not None


def test_view_only_staff_cannot_rotate_revoke_create_or_change(log_in, demo, my_app, token):
    viewer = log_in(*VIEW_ONLY)
    for url in (CLIENTS, TOKENS):
        page = viewer.get(url)
        assert page.status_code == 200 and page.context["action_form"] is None, url
    assert viewer.get(f"{CLIENTS}{my_app.pk}/change/").status_code == 200  # read-only
    hash_before = my_app.secret_hash
    assert rotate(viewer, my_app).status_code == 403
    assert revoke(viewer, token).status_code == 403
    assert viewer.post(f"{CLIENTS}add/", {**NEW_CLIENT, "account": demo.pk}).status_code == 403
    change = viewer.post(f"{CLIENTS}{my_app.pk}/change/", {
        **NEW_CLIENT, "client_id": "my_app", "name": "Renamed", "account": demo.pk,
        "allowed_scopes": ["payments:read", "payments:write"]})
    assert change.status_code == 403
    my_app.refresh_from_db()
    token.refresh_from_db()
    assert my_app.secret_hash == hash_before and my_app.name != "Renamed"
    assert token.revoked_at is None and not OAuthClient.objects.filter(client_id="partner_app")
    assert mint("my_app", "my_secret") == 200


def test_revoking_tokens_needs_the_revoke_permission(log_in, token):
    staff = log_in("oauth_app.view_oauthtoken", "oauth_app.revoke_oauthtoken")
    assert revoke(staff, token).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_changing_a_client_needs_the_change_permission(log_in, demo, my_app):
    staff = log_in("oauth_app.view_oauthclient", "oauth_app.change_oauthclient")
    response = staff.post(f"{CLIENTS}{my_app.pk}/change/", {
        **NEW_CLIENT, "client_id": "my_app", "name": "Renamed", "account": demo.pk})
    assert response.status_code == 302
    my_app.refresh_from_db()
    assert my_app.name == "Renamed"
    assert rotate(staff, my_app).status_code == 403  # changing is not rotating


@pytest.mark.parametrize(("model", "name"), [(OAuthClient, "rotate_secret"),
                                             (OAuthToken, "revoke")])
def test_the_actions_check_their_permission_themselves(django_user_model, my_app, token,
                                                       model, name):
    request = RequestFactory().post(CLIENTS)
    request.user = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    with pytest.raises(PermissionDenied):
        getattr(site.get_model_admin(model), name)(request, model.objects.all())
    token.refresh_from_db()
    assert token.revoked_at is None and mint("my_app", "my_secret") == 200
