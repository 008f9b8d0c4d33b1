"""`/v1/payments`: parse, call one service, serialize."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from config.pagination import PageOrOffsetPagination
from config.surfaces import LIST_ERRORS, V1
from oauth_app import scopes
from payments import selectors, services
from payments.api.serializers import (
    PaymentCancelSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    PaymentStatusSerializer,
)
from payments.filters import PaymentFilter
from payments.models import Payment, PaymentStatus


def payment_response(payment, created: bool = False) -> Response:
    """A declined payment is stored and answered with 402, its body the failed payment."""
    if payment.status == PaymentStatus.FAILED:
        code = status.HTTP_402_PAYMENT_REQUIRED
    else:
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(PaymentSerializer(payment).data, status=code)


class PaymentListCreateView(V1.View):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    pagination_class = PageOrOffsetPagination
    queryset = Payment.objects.none()  # for the schema; requests list the caller's own

    @V1.read(
        "list_payments",
        "List payments, newest first",
        scope=scopes.PAYMENTS_READ,
        tag="payments",
        responses={200: PaymentSerializer(many=True)},
        errors=LIST_ERRORS,
    )
    def get(self, request):
        return self.list_response(selectors.payment_list(account=request.user.account),
                                  PaymentSerializer)

    @V1.write(
        "create_payment",
        "Create a payment",
        examples=[
            OpenApiExample("Seed 003", request_only=True, value={
                "amount": 49.99, "currency": "USD",
                "description": "Order #12345 - Premium Widget",
                "customer_email": "customer@example.com", "payment_method": "card",
                "metadata": {"order_id": "12345", "sku": "WIDGET-PRO-001"},
            }),
            OpenApiExample("Declined test card (seed 002)", request_only=True, value={
                "amount": 10.00, "currency": "USD", "description": "Decline test",
                "customer_email": "customer@example.com", "payment_method_id": "pm_test_decline",
            }),
            OpenApiExample("Completed", response_only=True, status_codes=["201"], value={
                "id": "pay_a1b2c3d4e5f6789012345678", "object": "payment", "amount": 49.99,
                "currency": "USD", "description": "Order #12345 - Premium Widget",
                "customer_email": "customer@example.com", "payment_method": "card",
                "payment_method_id": None, "metadata": {"order_id": "12345"},
                "status": "completed", "created_at": "2025-01-15T10:30:00.000000+00:00",
                "updated_at": "2025-01-15T10:30:00.000000+00:00", "idempotency_key": None,
                "failure_reason": None, "refunded_amount": 0.00, "cancelled_at": None,
                "cancellation_reason": None, "livemode": False,
            }),
        ],
        scope=scopes.PAYMENTS_WRITE,
        tag="payments",
        request=PaymentCreateSerializer,
        responses={
            201: PaymentSerializer,
            402: OpenApiResponse(PaymentSerializer, "Declined: the stored failed payment."),
        },
    )
    def post(self, request):
        payment = services.payment_create(
            account=request.user.account,
            idempotency_key=request.idempotency_key or "",
            **self.validated(PaymentCreateSerializer),
        )
        return payment_response(payment, created=True)


PaymentDetailView = V1.retrieve_view(
    "retrieve_payment",
    "Retrieve a payment",
    tag="payments",
    scope=scopes.PAYMENTS_READ,
    fetch=selectors.payment_get,
    serializer=PaymentSerializer,
)

PaymentStatusView = V1.retrieve_view(
    "retrieve_payment_status",
    "Retrieve a payment's status",
    tag="payments",
    scope=scopes.PAYMENTS_READ,
    fetch=selectors.payment_get,
    serializer=PaymentStatusSerializer,
)


class PaymentCancelView(V1.View):
    @V1.write(
        "cancel_payment",
        "Cancel a pending or processing payment",
        scope=scopes.PAYMENTS_WRITE,
        tag="payments",
        request=PaymentCancelSerializer,
        responses={200: PaymentSerializer},
    )
    def post(self, request, payment_id):
        payment = services.payment_cancel(
            account=request.user.account,
            payment_id=payment_id,
            reason=self.validated(PaymentCancelSerializer).get("reason", ""),
        )
        return payment_response(payment)
