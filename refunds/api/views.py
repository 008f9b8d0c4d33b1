"""`/v1` refund endpoints: parse, call one service, serialize."""

from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.response import Response

from config.pagination import PageOrOffsetPagination
from config.surfaces import READ_ERRORS, V1
from oauth_app import scopes
from payments.models import Payment
from refunds import selectors, services
from refunds.api.serializers import RefundCreateSerializer, RefundSerializer


class PaymentRefundListView(V1.View):
    pagination_class = PageOrOffsetPagination
    queryset = Payment.objects.none()  # the path's `payment_id` names a payment

    @V1.read(
        "list_payment_refunds",
        "List a payment's refunds, newest first",
        scope=scopes.PAYMENTS_READ,
        tag="refunds",
        responses={200: RefundSerializer(many=True)},
        errors=(*READ_ERRORS, 422),
    )
    def get(self, request, payment_id):
        refunds = selectors.refund_list_for_payment(
            account=request.user.account, payment_id=payment_id
        )
        return self.list_response(refunds, RefundSerializer)


class PaymentRefundCreateView(V1.View):
    @V1.write(
        "refund_payment",
        "Refund a payment, fully or partly",
        examples=[OpenApiExample("Seed 003", request_only=True,
                                 value={"amount": 25.00, "reason": "requested_by_customer"})],
        scope=scopes.REFUNDS_WRITE,
        tag="refunds",
        request=RefundCreateSerializer,
        responses={201: RefundSerializer},
    )
    def post(self, request, payment_id):
        refund = services.refund_create(
            account=request.user.account,
            payment_id=payment_id,
            **self.validated(RefundCreateSerializer),
        )
        return Response(RefundSerializer(refund).data, status=status.HTTP_201_CREATED)


RefundDetailView = V1.retrieve_view(
    "retrieve_refund",
    "Retrieve a refund",
    tag="refunds",
    scope=scopes.PAYMENTS_READ,
    fetch=selectors.refund_get,
    serializer=RefundSerializer,
)
