"""The webhook admin pages load for staff, and "resend" goes through the service."""

import pytest
from django.contrib.admin.models import LogEntry

from webhooks_app.models import Delivery, WebhookEndpoint


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
