"""Checkouts as `/stripe/v1` shows them: a Checkout Session (`cs_test_…`) and its line items
(`item` objects, each with the inline Price its `price_data` made)."""

from payments.api.stripe.common import unix
from payments.models import Checkout, CheckoutLineItem, CheckoutMode, CheckoutStatus

_NO_CUSTOM_TEXT = {"after_submit": None, "shipping_address": None, "submit": None,
                   "terms_of_service_acceptance": None}


def checkout_to_stripe(checkout: Checkout, *, url: str | None = None) -> dict:
    """Stripe's Checkout Session (keys in Stripe's order, nullable ones as null). `url` is
    its hosted page, which only an open session has (an event shows none)."""
    paying = checkout.mode == CheckoutMode.PAYMENT
    details = checkout.customer_details
    return {
        "id": checkout.public_id,
        "object": "checkout.session",
        "adaptive_pricing": None,
        "after_expiration": None,
        "allow_promotion_codes": None,
        "allowed_payment_method_types": None,
        "amount_subtotal": checkout.amount_subtotal_minor,
        "amount_total": checkout.amount_total_minor,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None,
                          "status": None},
        "billing_address_collection": None,
        "cancel_url": checkout.cancel_url or None,
        "client_reference_id": checkout.client_reference_id or None,
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": unix(checkout.created_at),
        "currency": checkout.currency.lower(),
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": dict(_NO_CUSTOM_TEXT),
        "customer": checkout.customer.public_id if checkout.customer_id else None,
        "customer_account": None,
        "customer_creation": checkout.customer_creation,
        "customer_details": None if details is None else {
            "address": None, "business_name": None, "email": details.get("email") or None,
            "individual_name": None, "name": details.get("name") or None, "phone": None,
            "tax_exempt": "none", "tax_ids": []},
        "customer_email": checkout.customer_email or None,
        "discounts": [],
        "expires_at": unix(checkout.expires_at),
        "integration_identifier": None,
        "invoice": None,
        "invoice_creation": None,
        "livemode": False,
        "locale": checkout.locale or None,
        "managed_payments": None,
        "metadata": checkout.metadata,
        "mode": checkout.mode,
        "origin_context": None,
        "payment_intent": checkout.payment.public_id if checkout.payment_id else None,
        "payment_link": None,
        "payment_method_collection": "if_required" if paying else "always",
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": list(checkout.payment_method_types),
        "payment_status": checkout.payment_status,
        "permissions": None,
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": checkout.setup.public_id if checkout.setup_id else None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": checkout.status,
        "submit_type": checkout.submit_type or None,
        "subscription": None,
        "success_url": checkout.success_url or None,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
        if paying else None,
        "ui_mode": "hosted_page",
        "url": url if checkout.status == CheckoutStatus.OPEN else None,
        "wallet_options": None,
    }


def line_item_to_stripe(item: CheckoutLineItem) -> dict:
    """A line item (`item`): its description is the product's name; its price the inline,
    inactive Price Stripe makes of `price_data` (ids derived from the item's)."""
    suffix = item.public_id.partition("_")[2]
    currency = item.currency.lower()
    return {
        "id": item.public_id,
        "object": "item",
        "adjustable_quantity": None,
        "amount_discount": 0,
        "amount_subtotal": item.amount_minor,
        "amount_tax": 0,
        "amount_total": item.amount_minor,
        "currency": currency,
        "description": item.name,
        "metadata": {},
        "price": {
            "id": f"price_{suffix}",
            "object": "price",
            "active": False,
            "billing_scheme": "per_unit",
            "created": unix(item.created_at),
            "currency": currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": f"prod_{suffix}",
            "recurring": None,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "one_time",
            "unit_amount": item.unit_amount_minor,
            "unit_amount_decimal": None,
        },
        "quantity": item.quantity,
    }
