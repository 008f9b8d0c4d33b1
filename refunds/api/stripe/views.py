"""`/stripe/v1/refunds`: refunds of PaymentIntents, drawing on the same balance as the
refunds of every other format."""

from drf_spectacular.types import OpenApiTypes

from accounts import scopes
from api.stripe.filters import ListFilters, created, exact
from api.stripe.pagination import LIST_PARAMETERS
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet, form_body
from payments import selectors as payment_selectors
from refunds import selectors, services
from refunds.api.stripe.rendering import refund_to_stripe
from refunds.api.stripe.serializers import StripeRefundCreateSerializer
from refunds.models import Refund

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs/stripe.md)
NOT_REFUNDABLE = "This PaymentIntent does not have a successful charge to refund."
# A refund draws on its payment's latest charge (`rendering.refund_to_stripe`'s `charge`).
CHARGE = exact("charge", "payment__latest_charge_id", description="A charge's id.")
REFUND_FILTERS = ListFilters(
    CHARGE, created(),
    exact("payment_intent", "payment__public_id", description="A PaymentIntent's id."))


class StripeRefundViewSet(StripeViewSet):
    queryset = Refund.objects.none()
    lookup_url_kwarg = "refund_id"
    param_names = {"payment_id": "payment_intent", "charge_id": "charge"}
    error_codes = {
        "amount_exceeds_balance": ("amount_too_large", None, None),
        "already_refunded": ("charge_already_refunded", None, "payment_intent"),
        "payment_not_refundable": ("payment_not_refundable", NOT_REFUNDABLE, "payment_intent"),
    }

    stripe_object = "refund"

    @STRIPE.read("stripe_list_refunds", "List refunds, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=REFUND_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.refund_list(
            account=request.user.account, where=REFUND_FILTERS.q(self.query)),
            refund_to_stripe)

    @STRIPE.write("stripe_create_refund", "Refund a PaymentIntent, fully or partly",
                  scope=scopes.REFUNDS_WRITE, scenarios=True,
                  request=form_body(StripeRefundCreateSerializer),
                  responses={200: OBJECT},
                  errors=WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripeRefundCreateSerializer)
        account = request.user.account
        payment_id = data.get("payment_intent") or services.refund_payment_of_charge(
            account=account, charge_id=data["charge"])
        refund = services.refund_create(
            account=account, payment_id=payment_id,
            amount_minor=data.get("amount"), reason=data.get("reason", ""),
            metadata=data.get("metadata"))
        return self.respond(refund_to_stripe(refund))

    @STRIPE.read("stripe_retrieve_refund", "Retrieve a refund", scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT})
    def retrieve(self, request, refund_id):
        return self.respond(refund_to_stripe(selectors.refund_get(
            account=request.user.account, refund_id=refund_id)))


class StripeChargeRefundViewSet(StripeViewSet):
    """`/stripe/v1/charges/{charge}/refunds`: the refunds of one charge (the `url` of an
    expanded Charge's `refunds`, which the SDKs page through)."""

    queryset = Refund.objects.none()
    path_param = "charge"
    stripe_object = "refund"

    @STRIPE.read("stripe_list_charge_refunds", "List a charge's refunds, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT},
                 errors=(*LIST_ERRORS, 404), parameters=LIST_PARAMETERS)
    def list(self, request, charge_id):
        account = request.user.account
        payment_selectors.charge_get(account=account, charge_id=charge_id)
        return self.rendered_list(selectors.refund_list(
            account=account, where=CHARGE.to_q(charge_id)), refund_to_stripe)
