"""Wire format of payments on `/v1` (seed 003, with seed 002's extras)."""

from rest_framework import serializers

from payments.api.fields import (
    AmountField,
    BlankAsNullField,
    CurrencyField,
    MetadataField,
    MoneyOutField,
    StrictCharField,
    StrictChoiceField,
    TimestampField,
    iso,
    validate_amount_for_currency,
)
from payments.models import PaymentMethod, PaymentStatus
from payments.money import to_major


class PaymentCreateSerializer(serializers.Serializer):
    amount = AmountField(help_text="Major units, e.g. 49.99 (JPY: whole yen).")
    currency = CurrencyField()
    description = StrictCharField(max_length=500)
    customer_email = serializers.EmailField(max_length=254)
    payment_method = StrictChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    payment_method_id = StrictCharField(
        required=False,
        max_length=64,
        help_text="A test payment method: pm_test_success, pm_test_decline, "
        "pm_test_insufficient_funds or pm_test_expired.",
    )
    metadata = MetadataField(required=False)

    def validate_payment_method_id(self, value: str) -> str:
        if not value.startswith("pm_"):
            raise serializers.ValidationError("Payment method ids start with 'pm_'.")
        return value

    def validate(self, attrs):
        return validate_amount_for_currency(attrs)


class PaymentCancelSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=500)


class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    object = serializers.SerializerMethodField()
    amount = MoneyOutField("amount")
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
    refunded_amount = MoneyOutField("refunded_amount")
    cancelled_at = TimestampField(allow_null=True)
    cancellation_reason = BlankAsNullField()
    livemode = serializers.SerializerMethodField()

    def get_object(self, payment) -> str:
        return "payment"

    def get_livemode(self, payment) -> bool:
        return False

    def to_representation(self, payment):
        """The fields above, written out: a list of payments renders ~20x faster than
        field by field (`test_fast_rendering_matches_the_declared_fields` keeps them equal)."""
        currency = payment.currency
        return {
            "id": payment.public_id,
            "object": "payment",
            "amount": to_major(payment.amount, currency),
            "currency": currency,
            "description": payment.description,
            "customer_email": payment.customer_email or None,
            "payment_method": payment.payment_method,
            "payment_method_id": payment.payment_method_id or None,
            "metadata": payment.metadata,
            "status": payment.status,
            "created_at": iso(payment.created_at),
            "updated_at": iso(payment.updated_at),
            "idempotency_key": payment.idempotency_key or None,
            "failure_reason": payment.failure_reason or None,
            "refunded_amount": to_major(payment.refunded_amount, currency),
            "cancelled_at": iso(payment.cancelled_at),
            "cancellation_reason": payment.cancellation_reason or None,
            "livemode": False,
        }


class PaymentStatusSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    failure_reason = BlankAsNullField()
    updated_at = TimestampField()
