"""OAuth clients are managed in the admin through the services."""

import pytest
from django.contrib.auth.hashers import check_password

from oauth_app.models import OAuthClient, OAuthToken


@pytest.fixture
def staff(client, django_user_model, demo):
    client.force_login(django_user_model.objects.create_superuser("ops", "o@example.com", "pw"))
    return client


def test_create_a_client_shows_its_secret_once(staff, demo):
    response = staff.post("/admin/oauth_app/oauthclient/add/", {
        "client_id": "partner_app", "name": "Partner", "account": demo.pk,
        "redirect_uris": "https://partner.example/cb\nhttps://partner.example/cb2",
        "allowed_scopes": ["payments:read"], "allowed_grants": ["authorization_code"],
        "is_active": "on",
    }, follow=True)
    assert response.status_code == 200
    client = OAuthClient.objects.get(client_id="partner_app")
    assert client.redirect_uris == ["https://partner.example/cb", "https://partner.example/cb2"]
    [message] = [str(m) for m in response.context["messages"] if "secret" in str(m)]
    secret = message.split(": ")[1].split(" ")[0]
    assert check_password(secret, client.secret_hash)
    change_page = staff.get(f"/admin/oauth_app/oauthclient/{client.pk}/change/")
    assert secret not in change_page.content.decode()


def test_bad_redirect_uri_is_refused(staff, demo):
    response = staff.post("/admin/oauth_app/oauthclient/add/", {
        "client_id": "x", "name": "X", "account": demo.pk, "redirect_uris": "not a url",
        "allowed_scopes": ["payments:read"], "allowed_grants": ["authorization_code"],
    })
    assert response.status_code == 200 and not OAuthClient.objects.filter(client_id="x").exists()


def test_pages_load_and_revoke_action(staff, demo):
    from oauth_app.services import oauth_token_issue

    client = OAuthClient.objects.get(client_id="my_app")
    token = oauth_token_issue(client=client, scopes=["payments:read"], access_token="tok_x",
                              expires_in=3600, refresh_token=None)
    for url in ["/admin/oauth_app/oauthclient/",
                f"/admin/oauth_app/oauthclient/{client.pk}/change/",
                "/admin/oauth_app/oauthtoken/", "/admin/accounts/account/"]:
        assert staff.get(url).status_code == 200, url
    staff.post("/admin/oauth_app/oauthtoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert OAuthToken.objects.get().revoked_at is not None
