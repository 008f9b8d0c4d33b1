"""The shape of refunds in the devdraft dialect (its body is `/v1`'s)."""

from rest_framework import serializers

from payments.api.devdraft.serializers import timestamp
from payments.api.fields import MoneyOutField
from refunds.models import RefundStatus


class RefundResponseSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    paymentId = serializers.CharField(source="payment.public_id", read_only=True)  # noqa: N815
    amount = MoneyOutField("amount_minor")
    status = serializers.SerializerMethodField()
    timestamp = timestamp()

    def get_status(self, refund) -> str:
        return "succeeded" if refund.status == RefundStatus.COMPLETED else refund.status
