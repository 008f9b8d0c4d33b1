"""The parameters and shapes of payments on `/v1`."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from api.fields import (
    BlankAsNullField,
    MetadataField,
    StrictCharField,
    StrictChoiceField,
    TimestampField,
)
from payments.api.fields import (
    ChargeAmountField,
    CurrencyField,
    MoneyOutField,
    amount_minor_for_currency,
)
from payments.api.v1.rendering import payment_to_v1
from payments.models import PaymentMethod, PaymentStatus


class PaymentCreateSerializer(serializers.Serializer):
    amount = ChargeAmountField(help_text="Major units, e.g. 49.99 (JPY: whole yen).")
    currency = CurrencyField()
    description = StrictCharField(max_length=500)
    customer_email = serializers.EmailField(max_length=254)
    payment_method = StrictChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    payment_method_id = StrictCharField(
        required=False,
        max_length=64,
        validators=[RegexValidator(r"^pm_[^\x00]*$", "Payment method ids start with 'pm_'.")],
        help_text="A test payment method: pm_test_success, pm_test_decline, "
        "pm_test_insufficient_funds or pm_test_expired; or one of Stripe's (pm_card_visa, "
        "pm_card_chargeDeclined, ...).",
    )
    metadata = MetadataField(required=False)

    def validate(self, attrs):
        return amount_minor_for_currency(attrs)


class PaymentCancelSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=500)


class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    object = serializers.SerializerMethodField()
    amount = MoneyOutField("amount_minor")
    currency = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    customer_email = BlankAsNullField()
    payment_method = serializers.CharField(read_only=True)
    payment_method_id = BlankAsNullField()
    metadata = serializers.DictField(child=serializers.CharField(), read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    created_at = TimestampField()
    updated_at = TimestampField()
    idempotency_key = BlankAsNullField()
    failure_reason = BlankAsNullField()
    refunded_amount = MoneyOutField("refunded_minor")
    cancelled_at = TimestampField(allow_null=True)
    cancellation_reason = BlankAsNullField()
    livemode = serializers.SerializerMethodField()

    def get_object(self, payment) -> str:
        return "payment"

    def get_livemode(self, payment) -> bool:
        return False

    def to_representation(self, payment):
        """`payment_to_v1`, the rendering event payloads use too (the fields above document
        it; `test_fast_rendering_matches_the_declared_fields` keeps them equal)."""
        return payment_to_v1(payment)


class PaymentStatusSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    failure_reason = BlankAsNullField()
    updated_at = TimestampField()
