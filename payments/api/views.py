"""`/v1/payments`: parse, call one service, serialize."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from config.pagination import PageOrOffsetPagination
from config.schema import V1_ERRORS, idempotency_header, v1_errors
from oauth_app import scopes
from payments import selectors, services
from payments.api.serializers import (
    PaymentCancelSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    PaymentStatusSerializer,
)
from payments.filters import PaymentFilter
from payments.idempotency import idempotent
from payments.models import Payment, PaymentStatus


def payment_response(payment, created: bool = False) -> Response:
    """A declined payment is stored and answered with 402, its body the failed payment."""
    if payment.status == PaymentStatus.FAILED:
        code = status.HTTP_402_PAYMENT_REQUIRED
    else:
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(PaymentSerializer(payment).data, status=code)


class PaymentListCreateView(generics.GenericAPIView):
    required_scopes = {"GET": scopes.PAYMENTS_READ, "POST": scopes.PAYMENTS_WRITE}
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    pagination_class = PageOrOffsetPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no caller
            return Payment.objects.none()
        return selectors.payment_list(account=self.request.user.account)

    @extend_schema(
        operation_id="list_payments",
        summary="List payments, newest first",
        responses={200: PaymentSerializer(many=True), **v1_errors(401, 403, 422)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="create_payment",
        summary="Create a payment",
        request=PaymentCreateSerializer,
        parameters=[idempotency_header()],
        responses={
            201: PaymentSerializer,
            402: OpenApiResponse(PaymentSerializer, "Declined: the stored failed payment."),
            **v1_errors(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    @idempotent()
    def post(self, request):
        serializer = PaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.payment_create(
            account=request.user.account,
            idempotency_key=request.idempotency_key or "",
            **serializer.validated_data,
        )
        return payment_response(payment, created=True)


class PaymentDetailView(generics.GenericAPIView):
    required_scopes = {"GET": scopes.PAYMENTS_READ}
    serializer_class = PaymentSerializer

    @extend_schema(
        operation_id="retrieve_payment",
        summary="Retrieve a payment",
        responses={200: PaymentSerializer, **v1_errors(401, 403, 404)},
    )
    def get(self, request, payment_id):
        payment = selectors.payment_get(account=request.user.account, payment_id=payment_id)
        return Response(PaymentSerializer(payment).data)


class PaymentStatusView(generics.GenericAPIView):
    required_scopes = {"GET": scopes.PAYMENTS_READ}
    serializer_class = PaymentStatusSerializer

    @extend_schema(
        operation_id="retrieve_payment_status",
        summary="Retrieve a payment's status",
        responses={200: PaymentStatusSerializer, **v1_errors(401, 403, 404)},
    )
    def get(self, request, payment_id):
        payment = selectors.payment_get(account=request.user.account, payment_id=payment_id)
        return Response(PaymentStatusSerializer(payment).data)


class PaymentCancelView(generics.GenericAPIView):
    required_scopes = {"POST": scopes.PAYMENTS_WRITE}
    serializer_class = PaymentSerializer

    @extend_schema(
        operation_id="cancel_payment",
        summary="Cancel a pending or processing payment",
        request=PaymentCancelSerializer,
        parameters=[idempotency_header()],
        responses={200: PaymentSerializer, **v1_errors(*V1_ERRORS["post_on_object"])},
    )
    @idempotent()
    def post(self, request, payment_id):
        serializer = PaymentCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.payment_cancel(
            account=request.user.account,
            payment_id=payment_id,
            reason=serializer.validated_data.get("reason", ""),
        )
        return payment_response(payment)
