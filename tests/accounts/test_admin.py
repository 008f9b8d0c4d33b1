"""API keys in the admin: created with the add permission, the secret shown once on a page
of its own (never in a cookie or the session), revoked only with the revoke permission."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.models import Account, ApiKey, Scenario, hash_secret
from accounts.services import clock_advance, scenario_create
from tests.support.factories import make_api_key
from tests.support.staff import VIEW_ONLY, staff_user

KEYS = "/admin/accounts/apikey/"


@pytest.fixture
def log_in(client, django_user_model, demo):
    """Log in a staff user holding exactly the permissions named."""

    def log_in(*perms, superuser=False):
        if superuser:
            user = django_user_model.objects.create_superuser("ops", "ops@example.com", "pw")
        else:
            user = staff_user(django_user_model, "operator", *perms)
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def key(demo):
    return make_api_key(demo, ["payments:read"], name="Partner key").key


def create_key(client, demo):
    return client.post(f"{KEYS}add/", {"account": demo.pk, "name": "Ops key",
                                       "scopes": ["payments:read"]})


def revoke(client, key):
    return client.post(KEYS, {"action": "revoke", "_selected_action": [key.pk]})


def test_the_secret_is_shown_once_on_its_own_page_and_nowhere_else(log_in, demo):
    staff = log_in("accounts.add_apikey", "accounts.view_apikey")
    response = create_key(staff, demo)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/secrets_once.html"
    assert "no-store" in response["Cache-Control"]
    [secret] = [s for _, s in response.context["secrets"]]
    key = ApiKey.objects.get(name="Ops key")
    assert key.secret_hash == hash_secret(secret) and secret in response.content.decode()
    # Nothing the browser keeps (cookies) or the server keeps for it (session) holds it.
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert all(secret not in morsel.value for morsel in staff.cookies.values())
    assert secret not in str(dict(staff.session.items()))
    assert list(response.context["messages"]) == []
    listing = staff.get(KEYS).content.decode()
    assert secret not in listing and f"{key.secret_prefix}…" in listing


def test_view_only_staff_cannot_create_or_revoke_keys(log_in, demo, key):
    viewer = log_in(*VIEW_ONLY)
    page = viewer.get(KEYS)
    assert page.status_code == 200 and page.context["action_form"] is None
    assert viewer.get(f"{KEYS}add/").status_code == 403
    assert create_key(viewer, demo).status_code == 403
    assert revoke(viewer, key).status_code == 403
    key.refresh_from_db()
    assert key.is_active and ApiKey.objects.filter(name="Ops key").count() == 0
    change = viewer.post(f"{KEYS}{key.pk}/change/", {"name": "renamed"})
    key.refresh_from_db()
    assert change.status_code == 403 and key.name == "Partner key"


def test_staff_without_permissions_see_no_keys(log_in, key):
    assert log_in().get(KEYS).status_code == 403


def test_revoking_needs_the_revoke_permission(log_in, key):
    staff = log_in("accounts.view_apikey", "accounts.revoke_apikey")
    assert [name for name, _ in staff.get(KEYS).context["action_form"].fields["action"].choices
            if name] == ["revoke"]
    assert revoke(staff, key).status_code == 302
    key.refresh_from_db()
    assert not key.is_active


def test_the_revoke_action_checks_its_permission_itself(django_user_model, key):
    request = RequestFactory().post(KEYS)
    request.user = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    with pytest.raises(PermissionDenied):
        site.get_model_admin(ApiKey).revoke(request, ApiKey.objects.all())
    key.refresh_from_db()
    assert key.is_active


def test_a_superuser_creates_and_revokes(log_in, demo, key):
    staff = log_in(superuser=True)
    assert create_key(staff, demo).context["secrets"]
    assert revoke(staff, key).status_code == 302
    key.refresh_from_db()
    assert not key.is_active


def test_scenarios_and_the_clock_in_the_admin(client, demo, django_user_model):
    scenario = scenario_create(account=demo, operation="payment.create", outcome="decline",
                               decline_code="card_declined", times=3)
    clock_advance(account=demo, seconds=3600)
    viewer = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    client.force_login(viewer)
    page = client.get(f"/admin/accounts/account/{demo.pk}/change/").content.decode()
    assert scenario.public_id in page and "+3600 s" in page
    listing = client.get("/admin/accounts/scenario/").content.decode()
    assert scenario.public_id in listing
    delete = f"/admin/accounts/scenario/{scenario.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403  # view only
    deleter = staff_user(django_user_model, "deleter", *VIEW_ONLY, "accounts.delete_scenario")
    client.force_login(deleter)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Scenario.objects.exists()
    assert Account.objects.get(pk=demo.pk).has_scenarios is False  # through the service
