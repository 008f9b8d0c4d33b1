"""`/v1` refund endpoints: parse, call one service, serialize."""

from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.pagination import PageOrOffsetPagination
from api.surfaces import READ_ERRORS
from api.v1 import V1, V1ViewSet
from payments.models import Payment
from refunds import selectors, services
from refunds.api.v1.serializers import RefundCreateSerializer, RefundSerializer
from refunds.models import Refund


class PaymentRefundViewSet(V1ViewSet):
    """The refunds of one payment: `POST /v1/payments/{payment_id}/refund` (singular, as the
    API was first published) and `GET /v1/payments/{payment_id}/refunds`."""

    pagination_class = PageOrOffsetPagination
    queryset = Payment.objects.none()  # the path's `payment_id` names a payment

    @V1.write(
        "refund_payment",
        "Refund a payment, fully or partly",
        scenarios=True,
        examples=[OpenApiExample("A partial refund", request_only=True,
                                 value={"amount": 25.00, "reason": "requested_by_customer"})],
        scope=scopes.REFUNDS_WRITE,
        tag="refunds",
        request=RefundCreateSerializer,
        responses={201: RefundSerializer},
        links={"201": [("retrieve_refund", "refund_id", "id")]},
    )
    @action(detail=False, methods=["post"])
    def refund(self, request, payment_id):
        refund = services.refund_create(
            account=request.user.account,
            payment_id=payment_id,
            **self.validated(RefundCreateSerializer),
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)

    @V1.read(
        "list_payment_refunds",
        "List a payment's refunds, newest first",
        scope=scopes.PAYMENTS_READ,
        tag="refunds",
        responses={200: RefundSerializer(many=True)},
        errors=(*READ_ERRORS, 422),
    )
    @action(detail=False, methods=["get"])
    def refunds(self, request, payment_id):
        refunds = selectors.refund_list_for_payment(
            account=request.user.account, payment_id=payment_id
        )
        return self.list_response(refunds, RefundSerializer)


class RefundViewSet(V1ViewSet):
    queryset = Refund.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "refund_id"

    @V1.read(
        "retrieve_refund",
        "Retrieve a refund",
        tag="refunds",
        scope=scopes.PAYMENTS_READ,
        responses={200: RefundSerializer},
    )
    def retrieve(self, request, refund_id):
        refund = selectors.refund_get(account=request.user.account, refund_id=refund_id)
        return Response(RefundSerializer(refund).data)
