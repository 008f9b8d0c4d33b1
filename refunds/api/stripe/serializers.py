"""The parameters of refunds on `/stripe/v1`."""

from rest_framework import serializers

from api.stripe.params import MetadataField, StripeParams
from payments.api.stripe.serializers import MinorAmountField
from refunds.api.stripe.rendering import REQUESTABLE_REASONS


class StripeRefundCreateSerializer(StripeParams):
    payment_intent = serializers.CharField(max_length=64, required=False)
    charge = serializers.CharField(max_length=64, required=False)
    amount = MinorAmountField(min_value=1, required=False,
                              help_text="Minor units; at most the intent's remaining balance.")
    reason = serializers.ChoiceField(REQUESTABLE_REASONS, required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs):
        if ("payment_intent" in attrs) == ("charge" in attrs):
            raise serializers.ValidationError(
                {"payment_intent": ["Give payment_intent or charge (one of them)."]})
        return attrs
