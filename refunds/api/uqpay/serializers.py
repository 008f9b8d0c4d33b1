"""The parameters and shapes of refunds in the UQPay dialect.

Our refund statuses map onto UQPay's enumeration as `REFUND_STATUS` says. Test-mode refunds
settle at once and are never reversed, so `INITIATED` and the `REVERSAL_*` statuses are
never produced.
"""

import re
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MetadataField, StrictCharField, TimestampField
from payments.money import format_major
from refunds.models import RefundStatus

REFUND_STATUS = {
    RefundStatus.PENDING: "PROCESSING",
    RefundStatus.COMPLETED: "SUCCEEDED",
    RefundStatus.FAILED: "FAILED",
}

# A positive amount in major units: at most 9 digits before the point (beyond any payment) and
# 2 after it. The schema shows this pattern; numbers are bounded by it.
_DECIMAL_STRING = re.compile(r"^\d{1,9}(\.\d{1,2})?$", re.ASCII)


@extend_schema_field({"type": "string", "pattern": _DECIMAL_STRING.pattern, "example": "10.01"})
class DecimalStringField(serializers.Field):
    """An amount written as a decimal string ("10.01"), parsed as Decimal."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not _DECIMAL_STRING.match(data):
            raise serializers.ValidationError(
                'Amount must be a positive decimal string with at most 2 decimals, such as '
                '"10.01".', code="invalid_type"
            )
        return Decimal(data)


class UqpayRefundRequestSerializer(serializers.Serializer):
    payment_intent_id = StrictCharField(max_length=36, help_text="Our payment id (pay_…).")
    amount = DecimalStringField()
    reason = StrictCharField(max_length=100, help_text="Required: free text.")
    payment_attempt_id = StrictCharField(required=False, max_length=64)
    metadata = MetadataField(required=False)


class UqpayRefundSerializer(serializers.Serializer):
    payment_refund_id = serializers.CharField(source="public_id", read_only=True)
    payment_attempt_id = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()
    currency = serializers.CharField(read_only=True)
    refund_status = serializers.SerializerMethodField()
    create_time = TimestampField(source="created_at", timespec="seconds")
    update_time = TimestampField(source="updated_at", timespec="seconds")
    reason = serializers.CharField(read_only=True)
    metadata = serializers.DictField(child=serializers.CharField(), read_only=True)

    def get_payment_attempt_id(self, refund) -> str:
        """A payment is one attempt here; unless the client named one, it is the payment."""
        return refund.payment_attempt_id or refund.payment.public_id

    def get_amount(self, refund) -> str:
        return format_major(refund.amount_minor, refund.currency)

    def get_refund_status(self, refund) -> str:
        return REFUND_STATUS[refund.status]
