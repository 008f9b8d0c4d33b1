"""`core.errors`: what a domain error carries to the surfaces that render it (status, type,
code, param, message, headers), whatever the wire format."""

import pytest

from core.errors import (
    InvalidState,
    NotFound,
    ServiceError,
    SimulatedFailure,
    UnprocessableRequest,
)


def test_a_service_error_is_a_400_invalid_request_with_its_message():
    error = ServiceError("Amount is required.", param="amount")
    assert (error.status, error.type, error.code) == (400, "invalid_request", "invalid_request")
    assert (error.message, str(error), error.param) == (
        "Amount is required.", "Amount is required.", "amount")
    assert error.headers == {}


def test_a_code_given_overrides_the_class_default_for_that_error_only():
    assert ServiceError("x", code="payment_not_refundable").code == "payment_not_refundable"
    assert ServiceError("x").code == ServiceError.code == "invalid_request"


def test_not_found_words_its_message_from_the_kind_and_the_id():
    error = NotFound("payment", "pay_123", param="payment_id")
    assert error.message == "Payment 'pay_123' not found."
    assert (error.status, error.type, error.code, error.param) == (
        404, "not_found", "resource_missing", "payment_id")
    assert (error.kind, error.object_id) == ("payment", "pay_123")  # for each format to word
    assert NotFound("webhook endpoint", "we_1").message == "Webhook endpoint 'we_1' not found."
    assert NotFound("payment", "pay_1").param is None


def test_not_found_keeps_a_message_given():
    error = NotFound("payment_method", "pm_x", message="No such payment method: 'pm_x'.")
    assert str(error) == "No such payment method: 'pm_x'."
    assert (error.kind, error.object_id) == ("payment_method", "pm_x")


def test_invalid_state_is_a_409_naming_what_was_refused_on_what():
    payment = object()
    error = InvalidState("Cannot capture.", subject=payment, action="capture")
    assert (error.status, error.code) == (409, "invalid_state")
    assert error.subject is payment and error.action == "capture"
    assert InvalidState("Refunded.", code="already_refunded").code == "already_refunded"
    assert (InvalidState("x").subject, InvalidState("x").action) == (None, None)


def test_unprocessable_request_is_a_422_validation_error():
    error = UnprocessableRequest("Too much.", param="amount")
    assert (error.status, error.type, error.code, error.param) == (
        422, "validation_error", "invalid_value", "amount")


def test_a_simulated_failure_names_its_scenario_and_when_to_retry():
    error = SimulatedFailure("Try later.", status=503, code="simulated_unavailable",
                             scenario_id="scn_1", retry_after=1)
    assert (error.status, error.type, error.code) == (503, "api_error", "simulated_unavailable")
    assert error.scenario_id == "scn_1"
    assert error.headers == {"Sandbox-Scenario": "scn_1", "Retry-After": "1"}


def test_a_simulated_failure_without_retry_after_sends_no_retry_after():
    error = SimulatedFailure("Boom.", status=500, code="simulated_server_error",
                             scenario_id="scn_2")
    assert error.headers == {"Sandbox-Scenario": "scn_2"}


def test_headers_belong_to_each_error_not_to_its_class():
    SimulatedFailure("a", status=503, code="c", scenario_id="scn_a", retry_after=5)
    assert ServiceError.headers == {} and ServiceError("x").headers == {}
    other = SimulatedFailure("b", status=500, code="c", scenario_id="scn_b")
    assert other.headers == {"Sandbox-Scenario": "scn_b"}


@pytest.mark.parametrize("error", [
    NotFound("payment", "pay_1"), InvalidState("x"), UnprocessableRequest("x"),
    SimulatedFailure("x", status=500, code="c", scenario_id="scn_1")])
def test_every_domain_error_is_a_service_error(error):
    """One `except ServiceError` (each surface's handler) catches them all."""
    assert isinstance(error, ServiceError)
