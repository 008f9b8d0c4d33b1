"""The devdraft dialect: `/api/v0/test-payment`, camelCase, `succeeded`.

Same services and validation as `/v1`; only the wire format differs, so the `devdraft`
client from PyPI works against this host unchanged.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from accounts import scopes
from api.devdraft import DEVDRAFT, DevdraftViewSet
from core.formats import Format
from payments import selectors, services
from payments.api.devdraft.serializers import PaymentRequestSerializer, PaymentResponseSerializer
from payments.models import Payment, PaymentStatus


class DevdraftPaymentViewSet(DevdraftViewSet):
    queryset = Payment.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "payment_id"

    @DEVDRAFT.write(
        "test_payment_controller_create_payment_v0",
        "Process a test payment",
        scenarios=True,
        examples=[
            OpenApiExample("A test payment", request_only=True, value={
                "amount": 100.00, "currency": "USD",
                "description": "Test payment for order #12345", "customerId": "cus_12345",
            }),
            OpenApiExample("A test payment", response_only=True, status_codes=["201"], value={
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
        links={"201": [
            ("test_payment_controller_get_payment_v0", "payment_id", "id"),
            ("test_payment_controller_refund_payment_v0", "payment_id", "id"),
        ]},
    )
    def create(self, request):
        payment = services.payment_create(
            account=request.user.account,
            idempotency_key=self.idempotency_key,
            origin=Format.DEVDRAFT,
            **self.validated(PaymentRequestSerializer),
        )
        body = PaymentResponseSerializer(payment).data
        if payment.status == PaymentStatus.FAILED:
            message = f"Payment declined: {payment.failure_reason}"
            return Response({"statusCode": 402, "message": message, **body}, status=402)
        return Response(body, status=status.HTTP_201_CREATED)

    @DEVDRAFT.read(
        "test_payment_controller_get_payment_v0",
        "Get payment details by ID",
        scope=scopes.PAYMENTS_READ,
        responses={200: PaymentResponseSerializer},
    )
    def retrieve(self, request, payment_id):
        payment = selectors.payment_get(account=request.user.account, payment_id=payment_id)
        return Response(PaymentResponseSerializer(payment).data)
