"""The UQPay dialect: `/api/v2/payment/refunds`, string amounts, upper-case statuses.

Same refund service and rules as `/v1`; only the wire format differs.
"""

from drf_spectacular.utils import OpenApiExample
from rest_framework.response import Response

from accounts import scopes
from api.uqpay import UQPAY, UqpayViewSet
from refunds import selectors, services
from refunds.api.uqpay.serializers import UqpayRefundRequestSerializer, UqpayRefundSerializer
from refunds.models import Refund


class UqpayRefundViewSet(UqpayViewSet):
    queryset = Refund.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "payment_refund_id"

    @UQPAY.write(
        "uqpay_create_refund",
        "Create a refund",
        scenarios=True,
        examples=[
            OpenApiExample("A refund", request_only=True, value={
                "payment_intent_id": "pay_a1b2c3d4e5f6789012345678", "amount": "10.01",
                "reason": "Return good", "payment_attempt_id": "PA1234567890123456789",
                "metadata": {"customer_id": "cust_12345", "order_id": "order_6789"},
            }),
            OpenApiExample("A refund", response_only=True, status_codes=["200"], value={
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
