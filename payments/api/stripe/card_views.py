"""`/stripe/v1` PaymentMethods (cards: made from test card numbers and tokens, saved for
customers) and Charges (one per confirmation of a PaymentIntent)."""

from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.decorators import action

from accounts import scopes
from api.stripe.filters import ListFilters, created, exact
from api.stripe.search import PARAMETERS as SEARCH_PARAMETERS
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet, form_body
from core import clock
from core.formats import Format
from payments import selectors, services
from payments.api.stripe.cards import card_to_stripe, charge_to_stripe, method_to_stripe
from payments.api.stripe.common import unix
from payments.api.stripe.refusals import method_refusal
from payments.api.stripe.search import CHARGE_SEARCH
from payments.api.stripe.serializers import (
    StripeChargeUpdateSerializer,
    StripePaymentMethodAttachSerializer,
    StripePaymentMethodCreateSerializer,
    StripePaymentMethodDetachSerializer,
    StripePaymentMethodUpdateSerializer,
)
from payments.models import Card, Charge

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs/stripe.md)
TYPE = OpenApiParameter("type", str, enum=["card"], description="Only `card` here.")


def check_type(query: dict) -> None:
    """The only type of payment method the sandbox has: `card` (400 for any other)."""
    if query.get("type", "card") != "card":
        raise serializers.ValidationError({"type": [serializers.ErrorDetail(
            "Invalid type: the sandbox has card payment methods only.", code="invalid_choice")]})


NOT_ATTACHED = ("payment_method_unexpected_state", None, None)
CUSTOMER = exact("customer", "payment__customer_id", description="A customer's id.")
METHOD_FILTERS = ListFilters(exact("customer", "customer__public_id",
                                   description="A customer's id."))
CHARGE_FILTERS = ListFilters(created(), CUSTOMER,
                             exact("payment_intent", "payment__public_id",
                                   description="A PaymentIntent's id."))


class PaymentMethodViewSet(StripeViewSet):
    queryset = Card.objects.none()
    lookup_url_kwarg = "method_id"
    path_param = "payment_method"
    param_names = {"card_id": "payment_method", "customer_id": "customer",
                   "number": "card[number]", "exp_month": "card[exp_month]",
                   "exp_year": "card[exp_year]", "token": "card[token]"}
    error_codes = {"invalid_state": NOT_ATTACHED}
    stripe_object = "payment_method"

    def state_message(self, exc):
        """A refused attach or detach, in Stripe's sentence."""
        return method_refusal(exc)

    @STRIPE.read("stripe_list_payment_methods", "List a customer's PaymentMethods",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=[*METHOD_FILTERS.parameters, TYPE])
    def list(self, request):
        check_type(self.query)
        return self.rendered_list(selectors.card_list(
            account=request.user.account, where=METHOD_FILTERS.q(self.query)), card_to_stripe)

    @STRIPE.write("stripe_create_payment_method", "Create a PaymentMethod from a test card",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentMethodCreateSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripePaymentMethodCreateSerializer)
        card = data["card"]
        return self.respond(card_to_stripe(services.card_create(
            account=request.user.account, number=card.get("number", ""),
            token=card.get("token", ""), exp_month=card.get("exp_month"),
            exp_year=card.get("exp_year"), billing_details=data.get("billing_details"),
            metadata=data.get("metadata"), origin=Format.STRIPE)))

    @STRIPE.read("stripe_retrieve_payment_method", "Retrieve a PaymentMethod",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, method_id):
        account = request.user.account
        method = selectors.method_get(account=account, method_id=method_id,
                                      param="card_id")
        return self.respond(method_to_stripe(method, created=unix(clock.now(account))))

    @STRIPE.write("stripe_update_payment_method", "Update a PaymentMethod",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentMethodUpdateSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    def update(self, request, method_id):
        data = self.validated(StripePaymentMethodUpdateSerializer)
        card = data.get("card") or {}
        return self.respond(card_to_stripe(services.card_update(
            account=request.user.account, card_id=method_id,
            billing_details=data.get("billing_details"), metadata=data.get("metadata"),
            exp_month=card.get("exp_month"), exp_year=card.get("exp_year"))))

    @STRIPE.write("stripe_attach_payment_method", "Save a PaymentMethod for a customer",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentMethodAttachSerializer),
                  responses={200: OBJECT}, errors=(*WRITE_ERRORS, 402))
    @action(detail=True, methods=["post"])
    def attach(self, request, method_id):
        data = self.validated(StripePaymentMethodAttachSerializer)
        return self.respond(card_to_stripe(services.card_attach(
            account=request.user.account, card_id=method_id, customer_id=data["customer"],
            origin=Format.STRIPE)))

    @STRIPE.write("stripe_detach_payment_method", "Detach a PaymentMethod from its customer",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentMethodDetachSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def detach(self, request, method_id):
        self.validated(StripePaymentMethodDetachSerializer)
        return self.respond(card_to_stripe(services.card_detach(
            account=request.user.account, card_id=method_id)))


class ChargeViewSet(StripeViewSet):
    queryset = Charge.objects.none()
    lookup_url_kwarg = "charge_id"
    path_param = "charge"
    stripe_object = "charge"

    @STRIPE.read("stripe_list_charges", "List charges, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=CHARGE_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.charge_list(
            account=request.user.account, where=CHARGE_FILTERS.q(self.query)),
            charge_to_stripe)

    @STRIPE.read("stripe_search_charges", "Search charges, newest first",
                 description=CHARGE_SEARCH.description, scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT}, errors=LIST_ERRORS, parameters=SEARCH_PARAMETERS)
    @action(detail=False, methods=["get"])
    def search(self, request):
        return self.rendered_search(
            CHARGE_SEARCH, partial(selectors.charge_list, account=request.user.account),
            charge_to_stripe)

    @STRIPE.read("stripe_retrieve_charge", "Retrieve a charge", scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT})
    def retrieve(self, request, charge_id):
        return self.respond(charge_to_stripe(selectors.charge_get(
            account=request.user.account, charge_id=charge_id)))

    @STRIPE.write("stripe_update_charge", "Update a charge's description or metadata",
                  scope=scopes.PAYMENTS_WRITE, request=form_body(StripeChargeUpdateSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    def update(self, request, charge_id):
        data = self.validated(StripeChargeUpdateSerializer)
        return self.respond(charge_to_stripe(services.charge_update(
            account=request.user.account, charge_id=charge_id, **data)))
