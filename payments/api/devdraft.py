"""The devdraft dialect (seeds 000/001): `/api/v0/test-payment`, camelCase, `succeeded`.

Same services and validation as `/v1`; only the wire format differs, so the `devdraft`
client from PyPI works against this host unchanged.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from config.surfaces import DEVDRAFT
from oauth_app import scopes
from payments import selectors, services
from payments.api.fields import (
    AmountField,
    CurrencyField,
    MoneyOutField,
    StrictCharField,
    TimestampField,
    validate_amount_for_currency,
)
from payments.models import PaymentStatus
from refunds.api.serializers import RefundCreateSerializer
from refunds.services import refund_create

# Our statuses as devdraft names them; the rest keep their own names.
STATUS_NAMES = {
    PaymentStatus.COMPLETED: "succeeded",
    PaymentStatus.PARTIALLY_REFUNDED: "succeeded",
}


def timestamp(**kwargs):
    return TimestampField(source="created_at", timespec="milliseconds", zulu=True, **kwargs)


class PaymentRequestSerializer(serializers.Serializer):
    amount = AmountField()
    currency = CurrencyField()
    description = StrictCharField(max_length=500)
    customerId = StrictCharField(source="customer_id", required=False, max_length=100)  # noqa: N815

    def validate(self, attrs):
        return validate_amount_for_currency(attrs)


class PaymentResponseSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    amount = MoneyOutField("amount")
    currency = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    timestamp = timestamp()

    def get_status(self, payment) -> str:
        return STATUS_NAMES.get(payment.status, payment.status)


class RefundResponseSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    paymentId = serializers.CharField(source="payment.public_id", read_only=True)  # noqa: N815
    amount = MoneyOutField("amount")
    status = serializers.SerializerMethodField()
    timestamp = timestamp()

    def get_status(self, refund) -> str:
        return "succeeded" if refund.status == "completed" else refund.status


class DevdraftPaymentCreateView(DEVDRAFT.View):
    @DEVDRAFT.write(
        "test_payment_controller_create_payment_v0",
        "Process a test payment",
        examples=[
            OpenApiExample("Seed 000", request_only=True, value={
                "amount": 100.00, "currency": "USD",
                "description": "Test payment for order #12345", "customerId": "cus_12345",
            }),
            OpenApiExample("Seed 000", response_only=True, status_codes=["201"], value={
                "id": "pay_abc123xyz456", "amount": 100.00, "currency": "USD",
                "status": "succeeded", "timestamp": "2023-07-01T12:00:00.000Z",
            }),
        ],
        scope=scopes.PAYMENTS_WRITE,
        request=PaymentRequestSerializer,
        responses={
            201: PaymentResponseSerializer,
            402: OpenApiResponse(PaymentResponseSerializer, "Declined: `status` is `failed`, "
                                 "with `statusCode` and `message` beside it."),
        },
    )
    def post(self, request):
        payment = services.payment_create(
            account=request.user.account,
            idempotency_key=request.idempotency_key,
            **self.validated(PaymentRequestSerializer),
        )
        body = PaymentResponseSerializer(payment).data
        if payment.status == PaymentStatus.FAILED:
            message = f"Payment declined: {payment.failure_reason}"
            return Response({"statusCode": 402, "message": message, **body}, status=402)
        return Response(body, status=status.HTTP_201_CREATED)


DevdraftPaymentDetailView = DEVDRAFT.retrieve_view(
    "test_payment_controller_get_payment_v0",
    "Get payment details by ID",
    scope=scopes.PAYMENTS_READ,
    fetch=selectors.payment_get,
    serializer=PaymentResponseSerializer,
)


class DevdraftRefundView(DEVDRAFT.View):
    @DEVDRAFT.write(
        "test_payment_controller_refund_payment_v0",
        "Refund a payment",
        scope=scopes.REFUNDS_WRITE,
        description="Refunds the remaining balance, or `amount` when a JSON body gives one.",
        request=RefundCreateSerializer,
        responses={200: RefundResponseSerializer},
    )
    def post(self, request, payment_id):
        refund = refund_create(
            account=request.user.account,
            payment_id=payment_id,
            **self.validated(RefundCreateSerializer),
        )
        return Response(RefundResponseSerializer(refund).data)
