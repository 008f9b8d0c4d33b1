"""`/stripe/v1/setup_intents`: saving a card for a customer, to charge it later."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.stripe.filters import ListFilters, created, exact
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet, form_body
from core.formats import Format
from payments import selectors, services
from payments.api.stripe.refusals import SETUP_INTENT, method_refusal
from payments.api.stripe.serializers import (
    StripeSetupIntentCancelSerializer,
    StripeSetupIntentConfirmSerializer,
    StripeSetupIntentCreateSerializer,
    StripeSetupIntentUpdateSerializer,
    kept_fields,
)
from payments.api.stripe.setups import setup_error, setup_to_stripe
from payments.api.stripe.three_d_secure import PAGE_NOTE
from payments.models import Setup, SetupStatus
from payments.pages.links import site_of

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs/stripe.md)
DECLINED = OpenApiResponse(description="Declined: the card error, with the SetupIntent")
UNEXPECTED_STATE = ("setup_intent_unexpected_state", None, None)
SETUP_FILTERS = ListFilters(
    created(), exact("customer", "customer__public_id", description="A customer's id."),
    exact("payment_method", "method_id", description="A PaymentMethod's id."))


class SetupIntentViewSet(StripeViewSet):
    queryset = Setup.objects.none()
    lookup_url_kwarg = "setup_id"
    path_param = "intent"
    param_names = {"method_id": "payment_method", "customer_id": "customer",
                   "card_id": "payment_method"}
    error_codes = {"invalid_state": UNEXPECTED_STATE,
                   "payment_method_missing": UNEXPECTED_STATE}

    def state_message(self, exc):
        """A refusal of the intent's status names Stripe's status; a card it cannot save (one
        of another customer's) is worded as Stripe words it."""
        return SETUP_INTENT.message(exc, self.param_names) or method_refusal(exc)
    stripe_object = "setup_intent"


    def render(self, setup: Setup, *, declined_now: bool = False) -> Response:
        """The SetupIntent, expanded as asked; a decline of this very request is Stripe's
        402 `card_error`, carrying the intent (expanded the same)."""
        intent = self.expand([setup_to_stripe(setup)])[0]
        if declined_now and setup.failure_reason and (
                setup.status == SetupStatus.REQUIRES_PAYMENT_METHOD):
            return Response({"error": {**setup_error(setup), "setup_intent": intent}},
                            status=402)
        return Response(intent)

    @STRIPE.read("stripe_list_setup_intents", "List SetupIntents, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=SETUP_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.setup_list(
            account=request.user.account, where=SETUP_FILTERS.q(self.query)), setup_to_stripe)

    @STRIPE.write("stripe_create_setup_intent", "Create a SetupIntent (and confirm it)",
                  scope=scopes.PAYMENTS_WRITE, description=PAGE_NOTE,
                  request=form_body(StripeSetupIntentCreateSerializer),
                  responses={200: OBJECT, 402: DECLINED}, errors=WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripeSetupIntentCreateSerializer)
        setup = services.setup_create(
            account=request.user.account, customer_id=data.get("customer", ""),
            method_id=data.get("payment_method", ""), usage=data["usage"],
            confirm=data["confirm"], description=data.get("description", ""),
            metadata=data.get("metadata"), return_url=data.get("return_url", ""),
            format_fields=kept_fields(data), origin=Format.STRIPE,
            authenticate_at=site_of(request))
        return self.render(setup, declined_now=data["confirm"])

    @STRIPE.read("stripe_retrieve_setup_intent", "Retrieve a SetupIntent",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, setup_id):
        return self.render(selectors.setup_get(account=request.user.account,
                                               setup_id=setup_id))

    @STRIPE.write("stripe_update_setup_intent", "Update a SetupIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeSetupIntentUpdateSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    def update(self, request, setup_id):
        data = self.validated(StripeSetupIntentUpdateSerializer)
        return self.render(services.setup_update(
            account=request.user.account, setup_id=setup_id,
            customer_id=data.get("customer"), method_id=data.get("payment_method"),
            description=data.get("description"), metadata=data.get("metadata"),
            format_fields=kept_fields(data)))

    @STRIPE.write("stripe_confirm_setup_intent", "Confirm a SetupIntent: save the card",
                  scope=scopes.PAYMENTS_WRITE, description=PAGE_NOTE,
                  request=form_body(StripeSetupIntentConfirmSerializer),
                  responses={200: OBJECT, 402: DECLINED}, errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def confirm(self, request, setup_id):
        data = self.validated(StripeSetupIntentConfirmSerializer)
        return self.render(services.setup_confirm(
            account=request.user.account, setup_id=setup_id,
            method_id=data.get("payment_method", ""), return_url=data.get("return_url"),
            authenticate_at=site_of(request)), declined_now=True)

    @STRIPE.write("stripe_cancel_setup_intent", "Cancel a SetupIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeSetupIntentCancelSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, setup_id):
        data = self.validated(StripeSetupIntentCancelSerializer)
        return self.render(services.setup_cancel(
            account=request.user.account, setup_id=setup_id,
            reason=data.get("cancellation_reason", "")))
