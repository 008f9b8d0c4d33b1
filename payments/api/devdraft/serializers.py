"""The parameters and shapes of payments in the devdraft dialect (camelCase)."""

from rest_framework import serializers

from api.fields import StrictCharField, TimestampField
from payments.api.fields import (
    ChargeAmountField,
    CurrencyField,
    MoneyOutField,
    amount_minor_for_currency,
)
from payments.models import PaymentStatus

# Our statuses as devdraft names them; the rest keep their own names.
STATUS_NAMES = {
    PaymentStatus.COMPLETED: "succeeded",
    PaymentStatus.PARTIALLY_REFUNDED: "succeeded",
}


def timestamp(**kwargs):
    return TimestampField(source="created_at", timespec="milliseconds", zulu=True, **kwargs)


class PaymentRequestSerializer(serializers.Serializer):
    amount = ChargeAmountField()
    currency = CurrencyField()
    description = StrictCharField(max_length=500)
    customerId = StrictCharField(source="customer_id", required=False, max_length=100)  # noqa: N815

    def validate(self, attrs):
        return amount_minor_for_currency(attrs)


class PaymentResponseSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    amount = MoneyOutField("amount_minor")
    currency = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    timestamp = timestamp()

    def get_status(self, payment) -> str:
        return STATUS_NAMES.get(payment.status, payment.status)
