"""`tests.support.stripe_schema` on hand-written objects of Stripe's published shapes (after
the examples of Stripe's API reference and OpenAPI fixtures), also of the objects the
sandbox has no endpoint for yet (Charge, PaymentMethod, SetupIntent, search results), and on
what it must refuse."""

import copy

import pytest
import stripe

from api.stripe.surface import CODES
from tests.support.stripe_schema import SchemaError, package_version, validate

ADDRESS = {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
           "state": None}
CUSTOMER = {
    "id": "cus_NffrFeUfNV2Hib", "object": "customer", "address": None, "balance": 0,
    "created": 1680893993, "currency": None, "default_source": None, "delinquent": False,
    "description": None, "email": "jennyrosen@example.com", "invoice_prefix": "0759376C",
    "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None,
                         "rendering_options": None},
    "livemode": False, "metadata": {}, "name": "Jenny Rosen", "next_invoice_sequence": 1,
    "phone": None, "preferred_locales": [], "shipping": None, "tax_exempt": "none",
    "test_clock": None,
}
REFUND = {
    "id": "re_1Nispe2eZvKYlo2Cd31jOCgZ", "object": "refund", "amount": 1000,
    "balance_transaction": "txn_1Nispe2eZvKYlo2CYezqFhEx", "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY",
    "created": 1692942318, "currency": "usd", "customer": None, "customer_account": None,
    "destination_details": {
        "card": {"reference": "123456789012", "reference_status": "available",
                 "reference_type": "acquirer_reference_number", "type": "refund"},
        "type": "card"},
    "metadata": {}, "payment_intent": "pi_1GszsK2eZvKYlo2CfhZyoZLp",
    "payment_method": "pm_1GszsK2eZvKYlo2C4jXpFQh0", "reason": None,
    "receipt_number": None, "source_transfer_reversal": None, "status": "succeeded",
    "transfer_reversal": None,
}
CARD_DETAILS = {
    "amount_authorized": 1099, "authorization_code": None, "brand": "visa",
    "checks": {"address_line1_check": None, "address_postal_code_check": None,
               "cvc_check": "pass"},
    "country": "US", "exp_month": 3, "exp_year": 2034, "extended_authorization":
    {"status": "disabled"}, "fingerprint": "mToisGZ01V71BCos", "funding": "credit",
    "electronic_commerce_indicator": None,
    "incremental_authorization": {"status": "unavailable"}, "installments": None,
    "last4": "4242", "mandate": None, "multicapture": {"status": "unavailable"},
    "network": "visa", "network_token": {"used": False}, "network_transaction_id": None,
    "overcapture": {"maximum_amount_capturable": 1099, "status": "unavailable"},
    "regulated_status": "unregulated", "three_d_secure": None, "transaction_link_id": None,
    "wallet": None,
}
CHARGE = {
    "id": "ch_3MmlLrLkdIwHu7ix0snN0B15", "object": "charge", "amount": 1099,
    "amount_captured": 1099, "amount_refunded": 1000, "application": None,
    "application_fee": None, "application_fee_amount": None,
    "balance_transaction": "txn_3MmlLrLkdIwHu7ix0uke3Ezy",
    "billing_details": {"address": ADDRESS, "email": None, "name": None, "phone": None,
                        "tax_id": None},
    "calculated_statement_descriptor": "Stripe", "captured": True, "created": 1679090539,
    "currency": "usd", "customer": CUSTOMER, "description": None, "disputed": False,
    "failure_balance_transaction": None, "failure_code": None, "failure_message": None,
    "fraud_details": {}, "livemode": False, "metadata": {}, "on_behalf_of": None,
    "outcome": {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
                "network_status": "approved_by_network", "reason": None,
                "risk_level": "normal", "risk_score": 32, "seller_message": "Payment complete.",
                "type": "authorized"},
    "paid": True, "payment_intent": "pi_3MmlLrLkdIwHu7ix0Hjn3EWH",
    "payment_method": "pm_1MmlLrLkdIwHu7ixIJwEWSNR",
    "payment_method_details": {"card": CARD_DETAILS, "type": "card"},
    "receipt_email": None, "receipt_number": None,
    "receipt_url": "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTTJKVGtMa2RJd0h1N2l4",
    "refunded": False,
    "refunds": {"object": "list", "data": [REFUND], "has_more": False,
                "url": "/v1/charges/ch_3MmlLrLkdIwHu7ix0snN0B15/refunds"},
    "review": None, "shipping": None, "source": None, "source_transfer": None,
    "statement_descriptor": None, "statement_descriptor_suffix": None, "status": "succeeded",
    "transfer_data": None, "transfer_group": None,
}
PAYMENT_METHOD = {
    "id": "pm_1Q0PsIJvEtkwdCNYMSaVuRz6", "object": "payment_method",
    "allow_redisplay": "unspecified",
    "billing_details": {"address": ADDRESS, "email": None, "name": "John Doe", "phone": None,
                        "tax_id": None},
    "card": {"brand": "visa", "checks": {"address_line1_check": None,
                                         "address_postal_code_check": None,
                                         "cvc_check": "pass"},
             "country": "US", "display_brand": "visa", "exp_month": 8, "exp_year": 2026,
             "fingerprint": "vxQhdNQRaNCMyQBm", "funding": "credit", "generated_from": None,
             "last4": "4242", "networks": {"available": ["visa"], "preferred": None},
             "regulated_status": "unregulated",
             "three_d_secure_usage": {"supported": True}, "wallet": None},
    "created": 1726673582, "customer": None, "customer_account": None, "livemode": False,
    "metadata": {}, "type": "card",
}
SETUP_INTENT = {
    "id": "seti_1Mm2cBLkdIwHu7ixaiKW3ElR", "object": "setup_intent",
    "allowed_payment_method_types": None, "application": None,
    "automatic_payment_methods": None, "cancellation_reason": None,
    "client_secret": "seti_1Mm2cBLkdIwHu7ixaiKW3ElR_secret_NXDATJdBmyE2OafBGtxexJwaFZbrh1D",
    "created": 1678942624, "customer": None, "description": None,
    "excluded_payment_method_types": None, "last_setup_error": None, "latest_attempt": None,
    "livemode": False, "mandate": None, "metadata": {}, "next_action": None,
    "on_behalf_of": None, "payment_method": PAYMENT_METHOD,
    "payment_method_configuration_details": None,
    "payment_method_options": {"card": {"mandate_options": None, "network": None,
                                        "request_three_d_secure": "automatic"}},
    "payment_method_types": ["card"], "single_use_mandate": None,
    "status": "requires_confirmation", "usage": "off_session",
}


def event(event_type: str, data: dict) -> dict:
    return {"id": "evt_1NG8Du2eZvKYlo2CUI79vXWy", "object": "event",
            "api_version": "2026-10-28.endive", "created": 1686089970, "data": {"object": data},
            "livemode": False, "pending_webhooks": 0,
            "request": {"id": None, "idempotency_key": None}, "type": event_type}


def changed(obj: dict, path: str, value=None, *, remove: bool = False) -> dict:
    """A deep copy of `obj` with the key at `path` ("a.b.c") set to `value` or removed."""
    obj = copy.deepcopy(obj)
    *parents, key = path.split(".")
    target = obj
    for parent in parents:
        target = target[parent]
    if remove:
        del target[key]
    else:
        target[key] = value
    return obj


def test_the_package_pins_the_api_version_of_the_python_sdk():
    version, api_version, _ = package_version()
    assert (version, api_version) == ("23.1.0", stripe.api_version)


@pytest.mark.parametrize(("obj", "type_text", "objects"), [
    (CHARGE, "Charge", {"charge": 1, "customer": 1, "list": 1, "refund": 1}),
    (PAYMENT_METHOD, "PaymentMethod", {"payment_method": 1}),
    (SETUP_INTENT, "SetupIntent", {"setup_intent": 1, "payment_method": 1}),
    ({"object": "search_result", "data": [CHARGE], "has_more": True, "next_page": "page_2",
      "url": "/v1/charges/search"}, "ApiSearchResult<Charge>",
     {"search_result": 1, "charge": 1, "customer": 1, "list": 1, "refund": 1}),
    (event("charge.refunded", CHARGE), "Event",
     {"event": 1, "charge": 1, "customer": 1, "list": 1, "refund": 1}),
    (event("setup_intent.created", SETUP_INTENT), "StripeResponse",
     {"event": 1, "setup_intent": 1, "payment_method": 1}),
    ({"id": CUSTOMER["id"], "object": "customer", "deleted": True}, "StripeResponse",
     {"customer": 1}),
    (changed(event("customer.updated", CUSTOMER), "data.previous_attributes",
             {"name": None, "metadata": {"tier": "gold"}}), "Event", {"event": 1, "customer": 1}),
    ({"error": {"type": "card_error", "code": "card_declined", "decline_code": "do_not_honor",
                "message": "Your card was declined.", "payment_method": PAYMENT_METHOD}},
     "ErrorBody", {"payment_method": 1}),
])
def test_published_shapes_validate_and_are_counted(obj, type_text, objects):
    result = validate(obj, type_text)
    assert result.errors == []
    assert result.objects == objects


@pytest.mark.parametrize(("obj", "type_text", "error"), [
    (changed(CHARGE, "amount_captured", remove=True), "Charge",
     "$: required key 'amount_captured' missing"),
    (changed(CHARGE, "surprise", 1), "Charge", "$: key 'surprise' is not in the type"),
    (changed(CHARGE, "status", "done"), "Charge", "$.status: 'done' is none of the 3 values"),
    (changed(CHARGE, "captured", None), "Charge", "$.captured: null is no boolean"),
    (changed(CHARGE, "amount", "1099"), "Charge", '$.amount: "1099" is no number'),
    (changed(CHARGE, "amount", True), "Charge", "$.amount: true is no number"),
    (changed(CHARGE, "metadata", {"order": 42}), "Charge", "$.metadata.order: 42 is no string"),
    (changed(CHARGE, "customer.email", 7), "Charge", "$.customer.email: 7 is no string"),
    (changed(CHARGE, "refunds.data", [{"id": "re_1", "object": "refund"}]), "Charge",
     "$.refunds.data[0]: required key 'amount' missing"),
    (changed(CHARGE, "payment_method_details.card.wallet", {"type": "nope"}), "Charge",
     "$.payment_method_details.card.wallet.type: 'nope' is none of"),
    (changed(PAYMENT_METHOD, "billing_details.address.city", 1), "PaymentMethod",
     "$.billing_details.address.city: 1 is no string"),
    (changed(SETUP_INTENT, "status", "sometimes"), "SetupIntent", "$.status: 'sometimes'"),
    (changed(SETUP_INTENT, "usage", "sometimes"), "SetupIntent", None),  # `usage: string`
    (changed(CUSTOMER, "deleted", True), "Customer", "$.deleted: present, where the type"),
    (event("refund.created", CHARGE), "Event", "$.data.object: required key 'charge' missing"),
    (event("no.such_event", CHARGE), "Event", "$: {"),
    (changed(event("customer.updated", CUSTOMER), "data.previous_attributes", {"nom": "J"}),
     "Event", "$.data.previous_attributes: key 'nom' is not in the type"),
    ({"error": {"type": "card_error", "code": "not_a_stripe_code", "message": "x"}},
     "ErrorBody", "$.error.code: 'not_a_stripe_code' is none of"),
    ({"object": "list", "data": [CUSTOMER], "has_more": False, "url": "/v1/customers"},
     "ApiList<Refund>", "$.data[0]: key 'address' is not in the type"),
])
def test_what_departs_from_the_published_types_is_reported_with_its_path(obj, type_text,
                                                                        error):
    errors = validate(obj, type_text).errors
    if error is None:
        assert errors == []
    else:
        assert any(message.startswith(error) for message in errors), errors


def test_a_declaration_the_reader_does_not_understand_fails_loudly():
    plan = {"id": "price_1", "object": "plan", "amount_decimal": "2000"}  # a Decimal
    with pytest.raises(SchemaError, match=r"\$\.data\.object\.amount_decimal"):
        validate(event("plan.created", plan), "Event")
    with pytest.raises(SchemaError, match="NoSuchType: not declared"):
        validate({}, "NoSuchType")


def test_every_error_code_the_stripe_surface_sends_is_one_stripe_publishes():
    for code in sorted(CODES):
        body = {"error": {"type": "invalid_request_error", "code": code, "message": "x"}}
        assert validate(body, "ErrorBody").errors == [], code
