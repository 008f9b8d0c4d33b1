"""`/stripe/v1/refunds`: refunds of PaymentIntents, drawing on the same balance as the
refunds of every other surface."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from accounts import scopes
from api.errors import MissingResource
from api.fields import StripeMetadataField, StripeSerializer
from api.surfaces import STRIPE, STRIPE_LIST_ERRORS, STRIPE_WRITE_ERRORS, form_body
from api.viewsets import StripeViewSet
from core.errors import NotFound, ServiceError
from payments import money
from payments.selectors import payment_get
from refunds import selectors, services
from refunds.models import Refund
from refunds.rendering import refund_to_stripe

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs: README)
REASONS = ("duplicate", "fraudulent", "requested_by_customer")
# The domain's refusals in Stripe's words (code, message).
STRIPE_REFUSALS = {
    "amount_exceeds_balance": "amount_too_large",
    "already_refunded": "charge_already_refunded",
}


class StripeRefundCreateSerializer(StripeSerializer):
    payment_intent = serializers.CharField(max_length=64)
    amount = serializers.IntegerField(min_value=1, required=False, help_text="Minor units.")
    reason = serializers.ChoiceField(REASONS, required=False)
    metadata = StripeMetadataField(required=False)


class RefundRefused(ServiceError):
    """The refund was judged and refused: stored for replays (409 on the other surfaces),
    Stripe's 400."""

    status = 409
    type = "invalid_request_error"


class StripeRefundViewSet(StripeViewSet):
    queryset = Refund.objects.none()
    lookup_url_kwarg = "refund_id"

    @STRIPE.read("stripe_list_refunds", "List refunds, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=STRIPE_LIST_ERRORS,
                 parameters=[OpenApiParameter("payment_intent", str)])
    def list(self, request):
        return self.rendered_list(selectors.refund_list(
            account=request.user.account, payment_id=request.query_params.get("payment_intent")),
            refund_to_stripe)

    @STRIPE.write("stripe_create_refund", "Refund a PaymentIntent, fully or partly",
                  scope=scopes.REFUNDS_WRITE, scenarios=True,
                  request=form_body(StripeRefundCreateSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripeRefundCreateSerializer)
        account, intent_id = request.user.account, data["payment_intent"]
        try:
            payment = payment_get(account=account, payment_id=intent_id)
        except NotFound:
            raise MissingResource(f"No such payment_intent: '{intent_id}'",
                                       param="payment_intent") from None
        amount = data.get("amount")
        try:
            refund = services.refund_create(
                account=account, payment_id=intent_id, reason=data.get("reason", ""),
                metadata=data.get("metadata"),
                amount=None if amount is None else money.to_major(amount, payment.currency))
        except ServiceError as exc:
            if exc.code not in STRIPE_REFUSALS and exc.code != "payment_not_refundable":
                raise
            code = STRIPE_REFUSALS.get(exc.code)
            message = exc.message if code else (
                "This PaymentIntent does not have a successful charge to refund.")
            raise RefundRefused(message, code=code or "payment_not_refundable",
                                param="amount" if code == "amount_too_large"
                                else "payment_intent") from None
        return Response(refund_to_stripe(refund))

    @STRIPE.read("stripe_retrieve_refund", "Retrieve a refund", scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT})
    def retrieve(self, request, refund_id):
        try:
            refund = selectors.refund_get(account=request.user.account, refund_id=refund_id)
        except NotFound:
            raise NotFound(f"No such refund: '{refund_id}'", param="id") from None
        return Response(refund_to_stripe(refund))
