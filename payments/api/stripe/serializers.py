"""The parameters of PaymentIntents and Customers on `/stripe/v1`."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.stripe.params import MetadataField, StripeParams
from payments import money
from payments.api.stripe.rendering import REQUESTABLE_CANCELLATION_REASONS

PAYMENT_METHOD = RegexValidator(r"^pm_[A-Za-z0-9_]{1,60}$", "No such PaymentMethod.")
# The widest bounds of an amount in minor units, over every currency (each currency's own are
# checked once it is known): the smallest charge (GBP 30) and the largest (99,999,999).
LOWEST_CHARGE = min(currency.minimum for currency in money.CURRENCIES.values())
HIGHEST_CHARGE = max(currency.maximum for currency in money.CURRENCIES.values())


@extend_schema_field({"type": "integer", "minimum": LOWEST_CHARGE, "maximum": HIGHEST_CHARGE,
                      "description": "Minor units (cents), within the currency's limits (USD "
                      "50 - 99,999,999; GBP from 30; JPY 50 - 99,999,999)."})
class ChargeAmountField(serializers.IntegerField):
    """A PaymentIntent's amount (the currency's limits are checked by `validate`)."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": HIGHEST_CHARGE})
class MinorAmountField(serializers.IntegerField):
    """A part of a payment's amount (captured, refunded), in minor units: at most what the
    payment allows, which the service checks; never more than any charge."""


def _either_case(code: str) -> str:
    return "".join(f"[{letter.lower()}{letter.upper()}]" for letter in code)


@extend_schema_field({
    "type": "string", "example": "usd",
    "pattern": f"^({'|'.join(_either_case(code) for code in money.CURRENCIES)})$",
    "description": f"A supported currency, in either case: {', '.join(money.CURRENCIES).lower()}.",
})
class CurrencyField(serializers.CharField):
    """Three letters, in either case; a currency the sandbox does not support is refused by
    `validate`."""


class StripePaymentIntentCreateSerializer(StripeParams):
    amount = ChargeAmountField(min_value=1)
    currency = CurrencyField(min_length=3, max_length=3)
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    confirm = serializers.BooleanField(required=False, default=False)
    capture_method = serializers.ChoiceField(
        ["automatic", "automatic_async", "manual"], required=False, default="automatic")
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False,
        help_text="Only `card` in this sandbox.")

    def validate(self, attrs):
        currency = attrs["currency"].upper()
        try:
            money.check_limits(attrs["amount"], money.get_currency(currency))
        except money.MoneyError as exc:
            raise serializers.ValidationError({"amount": [str(exc)]}) from None
        return {**attrs, "currency": currency}


class StripePaymentIntentUpdateSerializer(StripeParams):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class StripePaymentIntentConfirmSerializer(StripeParams):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    return_url = serializers.URLField(required=False, help_text="Accepted and not used.")


class StripePaymentIntentCaptureSerializer(StripeParams):
    amount_to_capture = MinorAmountField(min_value=1, required=False)


class StripePaymentIntentCancelSerializer(StripeParams):
    cancellation_reason = serializers.ChoiceField(REQUESTABLE_CANCELLATION_REASONS,
                                                  required=False)


class StripeCustomerSerializer(StripeParams):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=256)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    metadata = MetadataField(required=False)


def intent_fields(data: dict) -> dict:
    """A PaymentIntent's parameters as the payment services name them."""
    names = {"payment_method": "payment_method_id", "customer": "customer_id",
             "receipt_email": "customer_email", "description": "description",
             "metadata": "metadata"}
    return {names[name]: value for name, value in data.items()
            if name in names and (name != "customer" or value)}
