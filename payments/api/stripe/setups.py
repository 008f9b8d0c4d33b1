"""Setups as `/stripe/v1` shows them: a SetupIntent (`seti_…`)."""

from api.stripe.declines import card_error_of
from payments.api.stripe.common import client_secret, unix
from payments.models import Setup, SetupStatus

# Stripe's `cancellation_reason` values a client gives.
CANCELLATION_REASONS = ("abandoned", "duplicate", "requested_by_customer")


def status_of(setup: Setup) -> str:
    """The SetupIntent status: the domain's, except that a declined method is detached."""
    if setup.status == SetupStatus.REQUIRES_CONFIRMATION and setup.failure_reason:
        return SetupStatus.REQUIRES_PAYMENT_METHOD
    return setup.status


def setup_to_stripe(setup: Setup) -> dict:
    kept = setup.format_fields
    failed = bool(setup.failure_reason) and setup.status == SetupStatus.REQUIRES_PAYMENT_METHOD
    method = setup.card.public_id if setup.card_id else setup.method_id or None
    return {
        "id": setup.public_id,
        "object": "setup_intent",
        "allowed_payment_method_types": None,
        "application": None,
        "automatic_payment_methods": kept.get("automatic_payment_methods"),
        "cancellation_reason": setup.cancellation_reason or None,
        "client_secret": client_secret(setup.public_id),
        "created": unix(setup.created_at),
        "customer": setup.customer.public_id if setup.customer_id else None,
        "customer_account": None,
        "description": setup.description or None,
        "excluded_payment_method_types": None,
        "flow_directions": None,
        "last_setup_error": card_error_of(setup.failure_reason) if failed else None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": setup.metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None if failed else method,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {
            "mandate_options": None, "network": None,
            "request_three_d_secure": kept.get("request_three_d_secure", "automatic")}},
        "payment_method_types": kept.get("payment_method_types", ["card"]),
        "single_use_mandate": None,
        "status": status_of(setup),
        "usage": setup.usage,
    }
