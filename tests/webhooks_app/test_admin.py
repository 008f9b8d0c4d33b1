"""The webhook admin pages load for staff, "resend" goes through the service and needs its
own permission, and no secret shows in the stored idempotency responses."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from api.admin import redact_body
from api.models import IdempotencyKey
from tests.support.staff import VIEW_ONLY, staff_user
from webhooks_app.models import Delivery, Event, WebhookEndpoint

RESENDS = [("/admin/webhooks_app/delivery/", "resend", Delivery),
           ("/admin/webhooks_app/event/", "resend_to_subscribers", Event)]


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    client.force_login(user)
    return client


@pytest.fixture
def delivered(admin_api, create_payment):
    admin_api.post("/v1/webhooks/endpoints", {"url": "https://example.com/hook",
                                             "events": ["payment.completed"]}, format="json")
    create_payment()
    return Delivery.objects.get()


def test_pages_load(staff, delivered):
    for url in ["/admin/webhooks_app/webhookendpoint/",
                f"/admin/webhooks_app/webhookendpoint/{delivered.endpoint_id}/change/",
                "/admin/webhooks_app/event/",
                f"/admin/webhooks_app/event/{delivered.event_id}/change/",
                "/admin/webhooks_app/delivery/"]:
        response = staff.get(url)
        assert response.status_code == 200, url
    page = staff.get(f"/admin/webhooks_app/webhookendpoint/{delivered.endpoint_id}/change/")
    assert WebhookEndpoint.objects.get().secret not in page.content.decode()


def test_resend_action_enqueues_a_new_attempt_and_is_logged(staff, delivered):
    response = staff.post("/admin/webhooks_app/delivery/", {
        "action": "resend", "_selected_action": [delivered.pk]})
    assert response.status_code == 302
    assert list(Delivery.objects.order_by("attempt").values_list("attempt", flat=True)) == [1, 2]
    assert LogEntry.objects.filter(change_message__startswith="Resent to").count() == 1


def test_anonymous_users_are_sent_to_login(client, delivered):
    response = client.get("/admin/webhooks_app/delivery/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.fixture
def operator(client, django_user_model):
    """Log in a staff user holding the view permissions plus the ones named."""

    def log_in(*perms):
        client.force_login(staff_user(django_user_model, "operator", *VIEW_ONLY, *perms))
        return client

    return log_in


def resend(client, url, name, delivered):
    row = delivered if name == "resend" else delivered.event
    return client.post(url, {"action": name, "_selected_action": [row.pk]})


@pytest.mark.parametrize(("url", "name", "model"), RESENDS)
def test_view_only_staff_cannot_resend(operator, delivered, url, name, model):
    viewer = operator()
    page = viewer.get(url)
    assert page.status_code == 200 and page.context["action_form"] is None
    assert resend(viewer, url, name, delivered).status_code == 403
    assert Delivery.objects.count() == 1 and not LogEntry.objects.exists()


@pytest.mark.parametrize(("url", "name", "model"), RESENDS)
def test_resending_needs_the_resend_permission(operator, delivered, url, name, model):
    staff = operator("webhooks_app.resend_delivery")
    assert resend(staff, url, name, delivered).status_code == 302
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize(("url", "name", "model"), RESENDS)
def test_the_resend_actions_check_their_permission_themselves(django_user_model, delivered,
                                                              url, name, model):
    request = RequestFactory().post(url)
    request.user = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    with pytest.raises(PermissionDenied):
        getattr(site.get_model_admin(model), name)(request, model.objects.all())
    assert Delivery.objects.count() == 1


def test_stored_responses_show_no_secret(staff, admin_api):
    """Whatever a stored response holds (older rows kept the endpoint's signing secret), the
    admin shows no secret of it."""
    response = admin_api.post("/v1/webhooks/endpoints", {
        "url": "https://example.com/hook", "events": ["payment.completed"]},
        format="json", headers={"Idempotency-Key": "endpoint-key-1"})
    secret = response.json()["secret"]
    record = IdempotencyKey.objects.get(key="endpoint-key-1")
    record.response_body = response.content  # as stored before secrets were left out
    record.save()
    page = staff.get(f"/admin/api/idempotencykey/{record.pk}/change/").content.decode()
    assert secret not in page and secret.removeprefix("whsec_") not in page
    assert '"secret":"[redacted]"' in page.replace("&quot;", '"')
    assert "https://example.com/hook" in page  # the rest stays readable


def test_redaction_of_secret_keys_and_prefixed_values():
    body = (b'{"id":"we_1","secret":"whsec_abc+/=","amount":49.990,"client_secret":"s3cret",'
            b'"data":[{"access_token":"tok_AbC-1","refresh_token":"rtok_x_Y"}],'
            b'"note":"key sk_test_9z and task_id","secret_count":2}')
    assert redact_body(body) == (
        '{"id":"we_1","secret":"[redacted]","amount":49.990,"client_secret":"[redacted]",'
        '"data":[{"access_token":"tok_[redacted]","refresh_token":"rtok_[redacted]"}],'
        '"note":"key sk_[redacted] and task_id","secret_count":2}'
    )
    assert redact_body(b"not json: whsec_abc") == "not json: whsec_[redacted]"


ENDPOINTS = "/admin/webhooks_app/webhookendpoint/"


def test_the_delivery_page_shows_what_the_receiver_answered(staff, delivered):
    Delivery.objects.filter(pk=delivered.pk).update(response_body="upstream said <no>")
    page = staff.get(f"/admin/webhooks_app/delivery/{delivered.pk}/change/").content.decode()
    assert "upstream said &lt;no&gt;" in page


@pytest.mark.parametrize(("action", "permission"), [
    ("rotate_secret", "webhooks_app.rotate_secret_webhookendpoint"),
    ("enable", "webhooks_app.enable_webhookendpoint"),
])
def test_rotate_and_enable_need_their_own_permission(client, django_user_model, delivered,
                                                     action, permission):
    endpoint = delivered.endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_enabled=False,
                                                          disabled_reason="410 Gone")
    viewer = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    client.force_login(viewer)
    refused = client.post(ENDPOINTS, {"action": action, "_selected_action": [endpoint.pk]})
    assert refused.status_code == 403
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
    operator = staff_user(django_user_model, "operator", *VIEW_ONLY, permission)
    client.force_login(operator)
    response = client.post(ENDPOINTS, {"action": action, "_selected_action": [endpoint.pk]})
    after = WebhookEndpoint.objects.get(pk=endpoint.pk)
    if action == "rotate_secret":
        assert response.status_code == 200 and after.secret != endpoint.secret
        assert after.secret in response.content.decode()  # shown once, on the page
        assert after.previous_secret == endpoint.secret  # it signs during the overlap
        assert "no-store" in response["Cache-Control"]
    else:
        assert response.status_code == 302
        assert (after.is_enabled, after.disabled_reason, after.failure_count) == (True, "", 0)
    assert LogEntry.objects.filter(object_id=str(endpoint.pk)).exists()
