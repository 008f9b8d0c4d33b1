"""`/v1/payments` and `/v1/api-info`: parse, call one service, serialize."""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import scopes
from api.pagination import PageOrOffsetPagination
from api.surfaces import LIST_ERRORS
from api.v1 import V1, V1ViewSet
from payments import selectors, services
from payments.api.v1.filters import PaymentFilter
from payments.api.v1.serializers import (
    PaymentCancelSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    PaymentStatusSerializer,
)
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.money import CURRENCIES


def payment_response(payment, created: bool = False) -> Response:
    """A declined payment is stored and answered with 402, its body the failed payment."""
    if payment.status == PaymentStatus.FAILED:
        code = status.HTTP_402_PAYMENT_REQUIRED
    else:
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(PaymentSerializer(payment).data, status=code)


class PaymentViewSet(V1ViewSet):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    pagination_class = PageOrOffsetPagination
    queryset = Payment.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "payment_id"

    @V1.read(
        "list_payments",
        "List payments, newest first",
        scope=scopes.PAYMENTS_READ,
        tag="payments",
        responses={200: PaymentSerializer(many=True)},
        errors=LIST_ERRORS,
    )
    def list(self, request):
        return self.list_response(selectors.payment_list(account=request.user.account),
                                  PaymentSerializer)

    @V1.write(
        "create_payment",
        "Create a payment",
        scenarios=True,
        examples=[
            OpenApiExample("An order", request_only=True, value={
                "amount": 49.99, "currency": "USD",
                "description": "Order #12345 - Premium Widget",
                "customer_email": "customer@example.com", "payment_method": "card",
                "metadata": {"order_id": "12345", "sku": "WIDGET-PRO-001"},
            }),
            OpenApiExample("Declined test payment method", request_only=True, value={
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
        links={"201": [
            ("retrieve_payment", "payment_id", "id"),
            ("retrieve_payment_status", "payment_id", "id"),
            ("cancel_payment", "payment_id", "id"),
            ("refund_payment", "payment_id", "id"),
            ("list_payment_refunds", "payment_id", "id"),
        ]},
    )
    def create(self, request):
        payment = services.payment_create(
            account=request.user.account,
            idempotency_key=self.idempotency_key,
            **self.validated(PaymentCreateSerializer),
        )
        return payment_response(payment, created=True)

    @V1.read(
        "retrieve_payment",
        "Retrieve a payment",
        tag="payments",
        scope=scopes.PAYMENTS_READ,
        responses={200: PaymentSerializer},
    )
    def retrieve(self, request, payment_id):
        return Response(PaymentSerializer(
            selectors.payment_get(account=request.user.account, payment_id=payment_id)).data)

    @V1.read(
        "retrieve_payment_status",
        "Retrieve a payment's status",
        tag="payments",
        scope=scopes.PAYMENTS_READ,
        responses={200: PaymentStatusSerializer},
    )
    @action(detail=True, methods=["get"], url_path="status")
    def payment_status(self, request, payment_id):
        return Response(PaymentStatusSerializer(
            selectors.payment_get(account=request.user.account, payment_id=payment_id)).data)

    @V1.write(
        "cancel_payment",
        "Cancel a payment not yet settled, confirmed or captured",
        scenarios=True,
        scope=scopes.PAYMENTS_WRITE,
        tag="payments",
        request=PaymentCancelSerializer,
        responses={200: PaymentSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, payment_id):
        payment = services.payment_cancel(
            account=request.user.account,
            payment_id=payment_id,
            reason=self.validated(PaymentCancelSerializer).get("reason", ""),
        )
        return payment_response(payment)


class ApiInfoView(APIView):
    # What this deployment supports: currencies, payment methods.
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        operation_id="api_info",
        summary="What this API supports",
        tags=["service"],
        auth=[],
        responses={200: inline_serializer("ApiInfo", {"name": serializers.CharField()})},
    )
    def get(self, request):
        return Response(
            {
                "name": "Payment Processing API",
                "version": settings.SERVICE_VERSION,
                "api_version": settings.API_VERSION,
                "environment": "test",
                "documentation_url": request.build_absolute_uri("/api/docs/"),
                "endpoints": {
                    "payments": "/v1/payments",
                    "refunds": "/v1/payments/{id}/refund",
                    "webhooks": "/v1/webhooks",
                    "health": "/v1/health",
                    "oauth": "/v1/oauth",
                },
                "supported_currencies": list(CURRENCIES),
                "supported_payment_methods": list(PaymentMethod.values),
            }
        )
