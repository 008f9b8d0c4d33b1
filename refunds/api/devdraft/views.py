"""The devdraft dialect's refund: `POST /api/v0/test-payment/{id}/refund`.

Same refund service and validation as `/v1`; camelCase `paymentId` and `succeeded`.
"""

from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.devdraft import DEVDRAFT, DevdraftViewSet
from payments.models import Payment
from refunds.api.devdraft.serializers import RefundResponseSerializer
from refunds.api.v1.serializers import RefundCreateSerializer
from refunds.services import refund_create


class DevdraftRefundViewSet(DevdraftViewSet):
    queryset = Payment.objects.none()  # the path's `payment_id` names a payment

    @DEVDRAFT.write(
        "test_payment_controller_refund_payment_v0",
        "Refund a payment",
        scenarios=True,
        scope=scopes.REFUNDS_WRITE,
        description="Refunds the remaining balance, or `amount` when a JSON body gives one.",
        request=RefundCreateSerializer,
        responses={200: RefundResponseSerializer},
    )
    @action(detail=False, methods=["post"])
    def refund(self, request, payment_id):
        refund = refund_create(
            account=request.user.account,
            payment_id=payment_id,
            **self.validated(RefundCreateSerializer),
        )
        return Response(RefundResponseSerializer(refund).data)
