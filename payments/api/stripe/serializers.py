"""The parameters of PaymentIntents and Customers on `/stripe/v1`."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from api.stripe.params import MetadataField, StripeParams
from payments import money
from payments.api.stripe.rendering import REQUESTABLE_CANCELLATION_REASONS

PAYMENT_METHOD = RegexValidator(r"^pm_[A-Za-z0-9_]{1,60}$", "No such PaymentMethod.")


class StripePaymentIntentCreateSerializer(StripeParams):
    amount = serializers.IntegerField(min_value=1, help_text="Minor units (cents).")
    currency = serializers.CharField(min_length=3, max_length=3, help_text="e.g. usd")
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
    amount_to_capture = serializers.IntegerField(min_value=1, required=False)


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
