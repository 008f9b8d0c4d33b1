"""`/v1/webhooks`: endpoint management, events and simulation."""

import pytest

from tests.support.credentials import READONLY_KEY, client_for
from tests.support.errors import v1_error
from webhooks_app.models import WebhookEndpoint

LACKS_WEBHOOKS_MANAGE = {"type": "permission_error", "code": "insufficient_scope",
                         "message": "This credential lacks the 'webhooks:manage' scope."}

URL = "https://example.com/webhooks/payments"


def register(client, **overrides):
    body = {"url": URL, "events": ["payment.completed", "refund.completed"], **overrides}
    return client.post("/v1/webhooks/endpoints", body, format="json")


def test_register_returns_the_secret_once(admin_api):
    response = register(admin_api)
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("we_") and body["object"] == "webhook_endpoint"
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["payment.completed", "refund.completed"]
    assert body["enabled"] is True
    fetched = admin_api.get(f"/v1/webhooks/endpoints/{body['id']}").json()
    assert "secret" not in fetched
    listed = admin_api.get("/v1/webhooks/endpoints").json()
    assert [e["id"] for e in listed["data"]] == [body["id"]]
    assert "secret" not in listed["data"][0]


def test_standard_key_cannot_manage_webhooks(api):
    v1_error(register(api), 403, **LACKS_WEBHOOKS_MANAGE)
    v1_error(api.get("/v1/webhooks/endpoints"), 403, **LACKS_WEBHOOKS_MANAGE)
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "param"),
    [({"url": "ftp://example.com/x"}, "url"), ({"url": "not a url"}, "url"),
     ({"events": []}, "events"), ({"events": ["payment.exploded"]}, "events"),
     ({"events": "payment.completed"}, "events")],
)
def test_bad_registrations_are_422(admin_api, overrides, param):
    response = register(admin_api, **overrides)
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"].startswith(param)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook",
     "http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data",
     "http://[::1]/hook", "http://app.internal/hook"],
)
def test_private_destinations_are_refused_unless_allowed(admin_api, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = register(admin_api, url=url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "url_not_allowed"
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    assert register(admin_api, url=url).status_code == 201


def test_public_addresses_are_accepted_when_private_ones_are_not(admin_api, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = register(admin_api, url="https://93.184.216.34/hook")
    assert response.status_code == 201
    assert response.json()["url"] == "https://93.184.216.34/hook"


def test_delete(admin_api):
    endpoint_id = register(admin_api).json()["id"]
    response = admin_api.delete(f"/v1/webhooks/endpoints/{endpoint_id}")
    assert response.status_code == 200
    assert response.json() == {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}
    gone = {"type": "not_found", "code": "resource_missing", "param": "endpoint_id",
            "message": f"Webhook endpoint '{endpoint_id}' not found."}
    v1_error(admin_api.get(f"/v1/webhooks/endpoints/{endpoint_id}"), 404, **gone)
    v1_error(admin_api.delete(f"/v1/webhooks/endpoints/{endpoint_id}"), 404, **gone)


def test_events_are_listed_newest_first_and_filtered(api, create_payment):
    payment = create_payment().json()
    create_payment(amount=13.00)
    events = api.get("/v1/webhooks/events").json()
    assert [e["type"] for e in events["data"]] == [
        "payment.failed", "payment.created", "payment.completed", "payment.created"]
    completed = api.get("/v1/webhooks/events?type=payment.completed&limit=20").json()
    assert completed["total_count"] == 1
    event = completed["data"][0]
    assert event["id"].startswith("evt_")
    assert event["data"]["object"] == api.get(f"/v1/payments/{payment['id']}").json()
    assert api.get(f"/v1/webhooks/events/{event['id']}").json() == event
    assert api.get("/v1/webhooks/events?limit=1").json()["has_more"] is True


def test_event_list_validation_and_scope(api, demo):
    v1_error(api.get("/v1/webhooks/events?type=nope"), 422, type="validation_error",
             code="invalid_choice", param="type")
    v1_error(api.get("/v1/webhooks/events/evt_nope"), 404, type="not_found",
             code="resource_missing", param="event_id", message="Event 'evt_nope' not found.")
    api.post("/v1/payments", {"amount": 10, "currency": "USD", "description": "d",
                              "customer_email": "a@example.com"}, format="json")
    listed = client_for(READONLY_KEY).get("/v1/webhooks/events")
    assert listed.status_code == 200
    assert [e["type"] for e in listed.json()["data"]] == [
        "payment.completed", "payment.created"]  # newest first
    v1_error(client_for(None).get("/v1/webhooks/events"), 401, type="authentication_error",
             code="missing_credentials")


def test_simulate(admin_api, api):
    body = {"event_type": "payment.completed",
            "payload": {"payment": {"id": "pay_test", "amount": 99.99}}}
    response = admin_api.post("/v1/webhooks/simulate", body, format="json")
    assert response.status_code == 201
    event = response.json()
    assert event["type"] == "payment.completed"
    assert event["data"]["object"] == {"payment": {"id": "pay_test", "amount": 99.99}}
    assert api.get(f"/v1/webhooks/events/{event['id']}").json() == event
    bad = admin_api.post("/v1/webhooks/simulate", {"event_type": "nope"}, format="json")
    error = v1_error(bad, 422, type="validation_error", code="invalid_choice",
                     param="event_type")
    assert "payment.completed" in error["errors"][0]["message"]  # the choices it has
    v1_error(api.post("/v1/webhooks/simulate", body, format="json"), 403,
             **LACKS_WEBHOOKS_MANAGE)


def test_reset_clears_webhooks_and_events(admin_api, create_payment):
    register(admin_api)
    create_payment()
    admin_api.post("/v1/test/reset")
    assert admin_api.get("/v1/webhooks/endpoints").json()["total_count"] == 0
    assert admin_api.get("/v1/webhooks/events").json()["total_count"] == 0


def test_the_account_remembers_whether_it_has_endpoints(admin_api, demo, create_payment):
    """Emission skips the endpoint lookup only while the account has no endpoint at all."""
    from webhooks_app.models import Delivery

    def flag():
        demo.refresh_from_db()
        return demo.has_webhook_endpoints

    assert flag() is False
    first = register(admin_api).json()["id"]
    second = register(admin_api, url=f"{URL}?second").json()["id"]
    assert flag() is True
    admin_api.delete(f"/v1/webhooks/endpoints/{first}")
    assert flag() is True
    create_payment()
    assert Delivery.objects.filter(endpoint__public_id=second).count() == 1
    admin_api.delete(f"/v1/webhooks/endpoints/{second}")
    assert flag() is False
    register(admin_api)
    admin_api.post("/v1/test/reset")
    assert flag() is False
