"""What every `/v1` response shares: the error envelope for every status, and the headers."""

import pytest
from django.test import override_settings

from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import EXPIRED_KEY, READONLY_KEY, client_for


def assert_envelope(response, status, type_=None, code=None):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == status
    assert error["message"]
    if type_:
        assert error["type"] == type_
    if code:
        assert error["code"] == code
    return error


class TestAuthentication:
    def test_missing_credential_is_401(self, demo):
        assert_envelope(client_for(None).get("/v1/payments"), 401, "authentication_error")

    def test_unknown_key_is_401(self, demo):
        assert_envelope(client_for("demo_key_nope").get("/v1/payments"), 401)

    def test_expired_key_is_401(self, demo):
        error = assert_envelope(client_for(EXPIRED_KEY).get("/v1/payments"), 401)
        assert "inactive" in error["message"] or "expired" in error["message"]

    def test_x_api_key_header(self, demo, api):
        client = client_for(None)
        api.post("/v1/payments", PAYMENT_BODY, format="json")
        response = client.get("/v1/payments", headers={"X-API-Key": READONLY_KEY})
        assert response.status_code == 200
        assert response.json()["total_count"] == 1  # the demo account's list

    def test_non_bearer_scheme_is_401(self, demo):
        client = client_for(None)
        response = client.get("/v1/payments", headers={"Authorization": "Basic abc"})
        assert_envelope(response, 401)

    def test_401_carries_www_authenticate(self, demo):
        assert client_for(None).get("/v1/payments")["WWW-Authenticate"].startswith("Bearer")

    def test_missing_scope_is_403(self, demo):
        response = client_for(READONLY_KEY).post("/v1/payments", PAYMENT_BODY, format="json")
        assert_envelope(response, 403, "permission_error", "insufficient_scope")

    def test_reset_needs_api_admin(self, api):
        assert_envelope(api.post("/v1/test/reset"), 403)

    def test_last_used_is_recorded(self, api):
        from accounts.models import ApiKey

        api.get("/v1/payments")
        assert ApiKey.objects.get(client_id="demo_client_standard").last_used_at is not None


class TestErrorEnvelope:
    def test_malformed_json_is_400(self, api):
        response = api.post("/v1/payments", "{", content_type="application/json")
        assert_envelope(response, 400, "invalid_request", "malformed_json")

    def test_unknown_route_is_404(self, api):
        assert_envelope(api.get("/v1/no/such/route"), 404, "not_found")

    @override_settings(DEBUG=True)
    def test_unknown_route_is_json_even_in_debug(self, api):
        assert_envelope(api.get("/v1/payments/"), 404)

    def test_wrong_method_is_405(self, api):
        assert_envelope(api.delete("/v1/payments"), 405, code="method_not_allowed")

    def test_body_over_1_mib_is_413(self, api):
        big = '{"description": "' + "x" * (1024 * 1024) + '"}'
        response = api.post("/v1/payments", big, content_type="application/json")
        assert_envelope(response, 413, code="request_too_large")

    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
    )
    def test_non_json_body_is_415(self, api, content_type):
        response = api.post("/v1/payments", "amount=5", content_type=content_type)
        assert_envelope(response, 415, code="unsupported_media_type")

    def test_validation_is_422_with_errors(self, api):
        error = assert_envelope(api.post("/v1/payments", {}, format="json"), 422,
                                "validation_error")
        assert all(set(e) == {"field", "code", "message"} for e in error["errors"])

    @pytest.fixture
    def crashing_get(self, create_payment, monkeypatch):
        """A GET of a real payment whose rendering fails unexpectedly."""
        payment_id = create_payment().json()["id"]

        def explode(*args):
            raise ZeroDivisionError("secret internals")

        monkeypatch.setattr("payments.api.v1.rendering.to_major", explode)
        return f"/v1/payments/{payment_id}"

    def test_crash_is_500_without_a_stack_trace(self, api, crashing_get):
        response = api.get(crashing_get)
        assert_envelope(response, 500, "api_error")
        assert "secret internals" not in response.content.decode()
        assert "Traceback" not in response.content.decode()

    @override_settings(DEBUG=True)
    def test_crash_is_json_even_in_debug(self, api, crashing_get):
        response = api.get(crashing_get)
        assert_envelope(response, 500)
        assert b"Traceback" not in response.content

    def test_accept_html_still_gets_json(self, api):
        response = api.get("/v1/payments", headers={"Accept": "text/html"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"


class TestHeaders:
    @pytest.mark.parametrize("path", ["/v1/health", "/v1/payments", "/v1/nope", "/",
                                      "/stripe/v1/customers", "/stripe/v1/nope",
                                      "/api/v0/test-payment/pay_x", "/api/v2/payment/refunds/x",
                                      "/v1/oauth/token", "/admin/login/"])
    def test_every_response_has_request_id_timing_and_version(self, api, path):
        response = api.get(path)
        assert response["X-Request-Id"].startswith("req_")
        assert response["Request-Id"] == response["X-Request-Id"]  # Stripe's name for it
        assert float(response["X-Response-Time"]) >= 0
        assert response["X-API-Version"] == "2024-01-15"

    def test_each_request_has_its_own_id(self, api):
        assert api.get("/v1/payments")["Request-Id"] != api.get("/v1/payments")["Request-Id"]

    def test_client_request_id_is_echoed(self, api):
        response = api.get("/v1/payments", headers={"X-Request-Id": "my-trace-42"})
        assert response["X-Request-Id"] == response["Request-Id"] == "my-trace-42"

    def test_unsafe_request_id_is_replaced(self, api):
        response = api.get("/v1/payments", headers={"X-Request-Id": "x" * 300})
        assert response["X-Request-Id"].startswith("req_")
