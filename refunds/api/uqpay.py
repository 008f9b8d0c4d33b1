"""The UQPay dialect (seed 004): `/api/v2/payment/refunds`, string amounts, upper-case statuses.

Same refund service and rules as `/v1`; only the wire format differs. Our refund statuses map
onto UQPay's enumeration as `REFUND_STATUS` says. Test-mode refunds settle at once and are
never reversed, so `INITIATED` and the `REVERSAL_*` statuses are never produced.
"""

import re
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from accounts import scopes
from api.fields import MetadataField, StrictCharField, TimestampField
from api.surfaces import UQPAY
from api.viewsets import UqpayViewSet
from payments.money import format_major
from refunds import selectors, services
from refunds.models import Refund, RefundStatus

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
    reason = StrictCharField(max_length=100, help_text="Required (seed 004): free text.")
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


class UqpayRefundViewSet(UqpayViewSet):
    queryset = Refund.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "payment_refund_id"

    @UQPAY.write(
        "uqpay_create_refund",
        "Create a refund",
        scenarios=True,
        examples=[
            OpenApiExample("Seed 004", request_only=True, value={
                "payment_intent_id": "pay_a1b2c3d4e5f6789012345678", "amount": "10.01",
                "reason": "Return good", "payment_attempt_id": "PA1234567890123456789",
                "metadata": {"customer_id": "cust_12345", "order_id": "order_6789"},
            }),
            OpenApiExample("Seed 004", response_only=True, status_codes=["200"], value={
                "payment_refund_id": "ref_a1b2c3d4e5f6789012345678",
                "payment_attempt_id": "PA1234567890123456789", "amount": "10.01",
                "currency": "USD", "refund_status": "SUCCEEDED",
                "create_time": "2024-03-01T00:00:00+00:00",
                "update_time": "2024-03-01T00:00:00+00:00", "reason": "Return good",
                "metadata": {"customer_id": "cust_12345", "order_id": "order_6789"},
            }),
        ],
        scope=scopes.REFUNDS_WRITE,
        request=UqpayRefundRequestSerializer,
        responses={200: UqpayRefundSerializer},
        links={"200": [("uqpay_retrieve_refund", "payment_refund_id", "payment_refund_id")]},
    )
    def create(self, request):
        data = self.validated(UqpayRefundRequestSerializer)
        refund = services.refund_create(
            account=request.user.account,
            payment_id=data["payment_intent_id"],
            amount=data["amount"],
            reason=data["reason"],
            metadata=data.get("metadata"),
            payment_attempt_id=data.get("payment_attempt_id", ""),
        )
        return Response(UqpayRefundSerializer(refund).data)

    @UQPAY.read(
        "uqpay_retrieve_refund",
        "Retrieve a refund",
        scope=scopes.PAYMENTS_READ,
        responses={200: UqpayRefundSerializer},
    )
    def retrieve(self, request, payment_refund_id):
        refund = selectors.refund_get(account=request.user.account, refund_id=payment_refund_id)
        return Response(UqpayRefundSerializer(refund).data)
