"""The parameters and shapes of refunds on `/v1` (and the devdraft dialect's body)."""

from rest_framework import serializers

from api.fields import BlankAsNullField, MetadataField, StrictChoiceField, TimestampField
from payments.api.fields import AmountField, MoneyOutField
from refunds.api.v1.rendering import refund_to_v1
from refunds.models import RefundReason, RefundStatus


class RefundCreateSerializer(serializers.Serializer):
    """Shared by `/v1` and the devdraft dialect: everything optional, amount null = all."""

    amount = AmountField(
        required=False, allow_null=True,
        help_text="Major units; omit (or null) to refund the remaining balance.",
    )
    reason = StrictChoiceField(choices=RefundReason.choices, required=False, allow_null=True)
    metadata = MetadataField(required=False)

    def validate(self, attrs):
        return {name: value for name, value in attrs.items() if value is not None}


class RefundSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    object = serializers.SerializerMethodField()
    payment_id = serializers.CharField(source="payment.public_id", read_only=True)
    amount = MoneyOutField("amount_minor")
    currency = serializers.CharField(read_only=True)
    reason = BlankAsNullField()
    status = serializers.ChoiceField(choices=RefundStatus.choices, read_only=True)
    created_at = TimestampField()
    updated_at = TimestampField()
    failure_reason = BlankAsNullField()
    metadata = serializers.DictField(child=serializers.CharField(), read_only=True)

    def get_object(self, refund) -> str:
        return "refund"

    def to_representation(self, refund):
        """`refund_to_v1`, the rendering event payloads use too (the fields above document
        it; `test_fast_rendering_matches_the_declared_fields` keeps them equal)."""
        return refund_to_v1(refund)
