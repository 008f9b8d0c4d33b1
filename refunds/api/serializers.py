"""Wire format of refunds on `/v1` (seed 003)."""

from rest_framework import serializers

from payments.api.fields import (
    AmountField,
    BlankAsNullField,
    MetadataField,
    MoneyOutField,
    StrictChoiceField,
    TimestampField,
    iso,
)
from payments.money import to_major
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
    amount = MoneyOutField("amount")
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
        """The fields above, written out (kept equal by a test), for speed."""
        return {
            "id": refund.public_id,
            "object": "refund",
            "payment_id": refund.payment.public_id,
            "amount": to_major(refund.amount, refund.currency),
            "currency": refund.currency,
            "reason": refund.reason or None,
            "status": refund.status,
            "created_at": iso(refund.created_at),
            "updated_at": iso(refund.updated_at),
            "failure_reason": refund.failure_reason or None,
            "metadata": refund.metadata,
        }
