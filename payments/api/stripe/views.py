"""`/stripe/v1` PaymentIntents and Customers, as the official Stripe SDKs call them: parse,
call one service, render in Stripe's shape (`payments.api.stripe.rendering`)."""

from functools import partial

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.stripe.filters import ListFilters, created, exact
from api.stripe.pagination import LIST_PARAMETERS
from api.stripe.search import PARAMETERS as SEARCH_PARAMETERS
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet, form_body
from core.formats import Format
from payments import selectors, services
from payments.api.stripe.card_views import TYPE, check_type
from payments.api.stripe.cards import card_to_stripe
from payments.api.stripe.refusals import PAYMENT_INTENT
from payments.api.stripe.rendering import (
    card_error,
    customer_to_stripe,
    declined,
    payment_to_stripe,
)
from payments.api.stripe.search import CUSTOMER_SEARCH, INTENT_SEARCH
from payments.api.stripe.serializers import (
    StripeCustomerCreateSerializer,
    StripeCustomerSerializer,
    StripePaymentIntentCancelSerializer,
    StripePaymentIntentCaptureSerializer,
    StripePaymentIntentConfirmSerializer,
    StripePaymentIntentCreateSerializer,
    StripePaymentIntentUpdateSerializer,
    customer_fields,
    intent_fields,
)
from payments.api.stripe.three_d_secure import PAGE_NOTE
from payments.models import Customer, Payment
from payments.pages.links import site_of

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs/stripe.md)
UNEXPECTED_STATE = ("payment_intent_unexpected_state", None, None)
INTENT_FILTERS = ListFilters(created(), exact("customer", "customer_id",
                                              description="A customer's id."))
CUSTOMER_FILTERS = ListFilters(created(), exact("email", "email", max_length=512,
                                                description="An exact e-mail address."))


class PaymentIntentViewSet(StripeViewSet):
    queryset = Payment.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "intent_id"
    path_param = "intent"
    param_names = {"payment_method_id": "payment_method", "customer_id": "customer",
                   "customer_email": "receipt_email", "amount_minor": "amount_to_capture"}
    error_codes = {"invalid_state": UNEXPECTED_STATE, "payment_method_missing": UNEXPECTED_STATE,
                   "authorization_expired": UNEXPECTED_STATE}

    stripe_object = "payment_intent"

    def state_message(self, exc):
        """A refusal of the intent's status names Stripe's status, never the domain's."""
        return PAYMENT_INTENT.message(exc, self.param_names)

    def render(self, payment, *, declined_now: bool = False) -> Response:
        """The intent, expanded as asked; a decline of this very request is Stripe's 402
        `card_error`, carrying the intent (expanded the same)."""
        if declined_now and declined(payment):
            intent = self.expand([payment_to_stripe(payment)])[0]
            return Response({"error": {**card_error(payment), "payment_intent": intent}},
                            status=402)
        return self.respond(payment_to_stripe(payment))

    @STRIPE.read("stripe_list_payment_intents", "List PaymentIntents, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=INTENT_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.payment_list(
            account=request.user.account, where=INTENT_FILTERS.q(self.query)),
            payment_to_stripe)

    @STRIPE.read("stripe_search_payment_intents", "Search PaymentIntents, newest first",
                 description=INTENT_SEARCH.description, scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT}, errors=LIST_ERRORS, parameters=SEARCH_PARAMETERS)
    @action(detail=False, methods=["get"])
    def search(self, request):
        return self.rendered_search(
            INTENT_SEARCH, partial(selectors.payment_list, account=request.user.account),
            payment_to_stripe)

    @STRIPE.write("stripe_create_payment_intent", "Create a PaymentIntent (and confirm it)",
                  scope=scopes.PAYMENTS_WRITE, description=PAGE_NOTE, scenarios=True,
                  request=form_body(StripePaymentIntentCreateSerializer),
                  responses={200: OBJECT, 402: OpenApiResponse(description="Declined")},
                  errors=WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripePaymentIntentCreateSerializer)
        payment = services.payment_open(
            account=request.user.account, amount_minor=data["amount"],
            currency=data["currency"], confirm=data["confirm"],
            off_session=data.get("off_session", False), capture_method=data["capture_method"],
            idempotency_key=self.idempotency_key, origin=Format.STRIPE,
            authenticate_at=site_of(request), **intent_fields(data))
        return self.render(payment, declined_now=data["confirm"])

    @STRIPE.read("stripe_retrieve_payment_intent", "Retrieve a PaymentIntent",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, intent_id):
        return self.render(selectors.payment_get(account=request.user.account,
                                                 payment_id=intent_id))

    @STRIPE.write("stripe_update_payment_intent", "Update a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentIntentUpdateSerializer),
                  responses={200: OBJECT},
                  errors=WRITE_ERRORS)
    def update(self, request, intent_id):
        data = self.validated(StripePaymentIntentUpdateSerializer)
        return self.render(services.payment_update(
            account=request.user.account, payment_id=intent_id, **intent_fields(data)))

    @STRIPE.write("stripe_confirm_payment_intent", "Confirm a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE, description=PAGE_NOTE, scenarios=True,
                  request=form_body(StripePaymentIntentConfirmSerializer),
                  responses={200: OBJECT, 402: OpenApiResponse(description="Declined")},
                  errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def confirm(self, request, intent_id):
        data = self.validated(StripePaymentIntentConfirmSerializer)
        payment = services.payment_confirm(
            account=request.user.account, payment_id=intent_id,
            off_session=data.get("off_session", False), authenticate_at=site_of(request),
            **intent_fields(data))
        return self.render(payment, declined_now=True)

    @STRIPE.write("stripe_capture_payment_intent", "Capture an authorised PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentIntentCaptureSerializer),
                  responses={200: OBJECT},
                  errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def capture(self, request, intent_id):
        data = self.validated(StripePaymentIntentCaptureSerializer)
        return self.render(services.payment_capture(
            account=request.user.account, payment_id=intent_id,
            amount_minor=data.get("amount_to_capture")))

    @STRIPE.write("stripe_cancel_payment_intent", "Cancel a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE, scenarios=True,
                  request=form_body(StripePaymentIntentCancelSerializer),
                  responses={200: OBJECT},
                  errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, intent_id):
        data = self.validated(StripePaymentIntentCancelSerializer)
        return self.render(services.payment_cancel(
            account=request.user.account, payment_id=intent_id,
            reason=data.get("cancellation_reason", "")))


class CustomerViewSet(StripeViewSet):
    queryset = Customer.objects.none()
    lookup_url_kwarg = "customer_id"
    param_names = {"card_id": "payment_method",
                   "default_card_id": "invoice_settings[default_payment_method]"}
    stripe_object = "customer"
    list_actions = StripeViewSet.list_actions | {"payment_methods"}
    action_objects = {"payment_methods": "payment_method", "destroy": None}

    @STRIPE.read("stripe_list_customers", "List customers, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=CUSTOMER_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.customer_list(
            account=request.user.account, where=CUSTOMER_FILTERS.q(self.query)),
            customer_to_stripe)

    @STRIPE.read("stripe_search_customers", "Search customers, newest first",
                 description=CUSTOMER_SEARCH.description, scope=scopes.PAYMENTS_READ,
                 responses={200: OBJECT}, errors=LIST_ERRORS, parameters=SEARCH_PARAMETERS)
    @action(detail=False, methods=["get"])
    def search(self, request):
        return self.rendered_search(
            CUSTOMER_SEARCH, partial(selectors.customer_list, account=request.user.account),
            customer_to_stripe)

    @STRIPE.write("stripe_create_customer", "Create a customer", scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCustomerCreateSerializer),
                  responses={200: OBJECT, 402: OpenApiResponse(description="Declined")},
                  errors=WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripeCustomerCreateSerializer)
        fields = customer_fields(data)
        customer = services.customer_create(
            account=request.user.account, card_id=data.get("payment_method", ""),
            default_card_id=fields.pop("default_card_id", ""), origin=Format.STRIPE, **fields)
        return self.respond(customer_to_stripe(customer))

    @STRIPE.read("stripe_retrieve_customer", "Retrieve a customer",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, customer_id):
        return self.respond(customer_to_stripe(selectors.customer_get(
            account=request.user.account, customer_id=customer_id)))

    @STRIPE.write("stripe_update_customer", "Update a customer", scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCustomerSerializer),
                  responses={200: OBJECT},
                  errors=WRITE_ERRORS)
    def update(self, request, customer_id):
        customer = services.customer_update(
            account=request.user.account, customer_id=customer_id,
            **customer_fields(self.validated(StripeCustomerSerializer)))
        return self.respond(customer_to_stripe(customer))

    @STRIPE.operation("stripe_delete_customer", "Delete a customer",
                      scope=scopes.PAYMENTS_WRITE, responses={200: OBJECT},
                      errors=(401, 403, 404))
    def destroy(self, request, customer_id):
        services.customer_delete(account=request.user.account, customer_id=customer_id)
        return Response({"id": customer_id, "object": "customer", "deleted": True})

    @STRIPE.read("stripe_list_customer_payment_methods", "List a customer's PaymentMethods",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=(*LIST_ERRORS, 404),
                 parameters=[*LIST_PARAMETERS, TYPE])
    @action(detail=True, methods=["get"], url_path="payment_methods")
    def payment_methods(self, request, customer_id):
        check_type(self.query)
        account = request.user.account
        customer = selectors.customer_get(account=account, customer_id=customer_id)
        return self.rendered_list(selectors.card_list(
            account=account, where=Q(customer=customer)), card_to_stripe)
