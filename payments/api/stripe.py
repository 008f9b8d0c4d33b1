"""`/stripe/v1` PaymentIntents and Customers, as the official Stripe SDKs call them: parse,
call one service, render in Stripe's shape (`payments.rendering`)."""

from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.errors import MissingResource
from api.fields import StripeMetadataField, StripeSerializer
from api.surfaces import STRIPE, STRIPE_LIST_ERRORS, STRIPE_WRITE_ERRORS, form_body
from api.viewsets import StripeViewSet
from core.errors import NotFound, ServiceError, UnprocessableRequest
from payments import money, selectors, services, simulator
from payments.models import Customer, Payment
from payments.rendering import (
    customer_to_stripe,
    payment_to_stripe,
    stripe_card_error,
    stripe_declined,
)

CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
PAYMENT_METHOD = RegexValidator(r"^pm_[A-Za-z0-9_]{1,60}$", "No such PaymentMethod.")
OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs: README)


class UnexpectedState(ServiceError):
    """A state conflict (409 on the other surfaces, stored for replays): Stripe's 400."""

    status = 409
    type = "invalid_request_error"
    code = "payment_intent_unexpected_state"


class StripePaymentIntentCreateSerializer(StripeSerializer):
    amount = serializers.IntegerField(min_value=1, help_text="Minor units (cents).")
    currency = serializers.CharField(min_length=3, max_length=3, help_text="e.g. usd")
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    confirm = serializers.BooleanField(required=False, default=False)
    capture_method = serializers.ChoiceField(
        ["automatic", "automatic_async", "manual"], required=False, default="automatic")
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = StripeMetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(["card"]), required=False,
        help_text="Only `card` in this sandbox.")

    def validate(self, attrs):
        currency = attrs["currency"].upper()
        try:
            money.check_limits(attrs["amount"], money.get_currency(currency))
        except money.MoneyError as exc:
            raise serializers.ValidationError({"amount": [str(exc)]}) from None
        return {**attrs, "currency": currency}


class StripePaymentIntentUpdateSerializer(StripeSerializer):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    customer = serializers.CharField(required=False, max_length=64)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    metadata = StripeMetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class StripePaymentIntentConfirmSerializer(StripeSerializer):
    payment_method = serializers.CharField(required=False, validators=[PAYMENT_METHOD])
    return_url = serializers.URLField(required=False, help_text="Accepted and not used.")


class StripePaymentIntentCaptureSerializer(StripeSerializer):
    amount_to_capture = serializers.IntegerField(min_value=1, required=False)


class StripePaymentIntentCancelSerializer(StripeSerializer):
    cancellation_reason = serializers.ChoiceField(CANCELLATION_REASONS, required=False)


class StripeCustomerSerializer(StripeSerializer):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=256)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    metadata = StripeMetadataField(required=False)


def _payment_method(method_id: str) -> str:
    """A test payment method's id, or 400 `resource_missing` as Stripe answers."""
    try:
        simulator.check_payment_method_id(method_id)
    except NotFound:
        raise MissingResource(f"No such PaymentMethod: '{method_id}'",
                              param="payment_method") from None
    return method_id


def _customer(account, customer_id: str) -> str:
    try:
        return selectors.customer_get(account=account, customer_id=customer_id).public_id
    except NotFound:
        raise MissingResource(f"No such customer: '{customer_id}'", param="customer") from None


def _fields(account, data: dict) -> dict:
    """The PaymentIntent parameters as the payment services name them."""
    fields = {}
    if "payment_method" in data:
        fields["payment_method_id"] = _payment_method(data["payment_method"])
    if data.get("customer"):
        fields["customer_id"] = _customer(account, data["customer"])
    if "receipt_email" in data:
        fields["customer_email"] = data["receipt_email"]
    for name in ("description", "metadata"):
        if name in data:
            fields[name] = data[name]
    return fields


class PaymentIntentViewSet(StripeViewSet):
    queryset = Payment.objects.none()  # for the schema; requests see the caller's own
    lookup_url_kwarg = "intent_id"

    def render(self, payment, *, declined_now: bool = False) -> Response:
        """The intent (its customer expanded when asked); a decline of this very request is
        Stripe's 402 `card_error`, carrying the intent."""
        intent = payment_to_stripe(payment)
        if "customer" in self.expanded() and intent.get("customer"):
            customer = Customer.objects.filter(account=self.request.user.account,
                                               public_id=intent["customer"]).first()
            intent["customer"] = customer_to_stripe(customer) if customer else intent["customer"]
        if declined_now and stripe_declined(payment):
            return Response({"error": {**stripe_card_error(payment), "payment_intent": intent}},
                            status=402)
        return Response(intent)

    def _changed(self, call, *, payment_id: str, **kwargs):
        """`call` on the intent, its errors in Stripe's words."""
        try:
            return call(account=self.request.user.account, payment_id=payment_id, **kwargs)
        except NotFound as exc:
            if exc.param == "payment_method_id":
                raise MissingResource(exc.message, param="payment_method") from None
            raise NotFound(f"No such payment_intent: '{payment_id}'", param="intent") from None
        except ServiceError as exc:
            if exc.status == 409:  # the domain's state conflict
                raise UnexpectedState(exc.message) from None
            if exc.param == "amount":  # a capture's amount
                raise UnprocessableRequest(exc.message, code=exc.code,
                                           param="amount_to_capture") from None
            raise

    @STRIPE.read("stripe_list_payment_intents", "List PaymentIntents, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=STRIPE_LIST_ERRORS,
                 parameters=[OpenApiParameter("customer", str)])
    def list(self, request):
        return self.rendered_list(selectors.payment_list(
            account=request.user.account, customer_id=request.query_params.get("customer")),
            payment_to_stripe)

    @STRIPE.write("stripe_create_payment_intent", "Create a PaymentIntent (and confirm it)",
                  scope=scopes.PAYMENTS_WRITE, scenarios=True,
                  request=form_body(StripePaymentIntentCreateSerializer),
                  responses={200: OBJECT, 402: OpenApiResponse(description="Declined")},
                  errors=STRIPE_WRITE_ERRORS)
    def create(self, request):
        data = self.validated(StripePaymentIntentCreateSerializer)
        capture = "manual" if data["capture_method"] == "manual" else "automatic"
        payment = services.payment_intent_create(
            amount_minor=data["amount"], currency=data["currency"], confirm=data["confirm"],
            capture_method=capture, idempotency_key=request.idempotency_key or "",
            account=request.user.account, **_fields(request.user.account, data))
        return self.render(payment, declined_now=data["confirm"])

    @STRIPE.read("stripe_retrieve_payment_intent", "Retrieve a PaymentIntent",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, intent_id):
        return self.render(self._changed(selectors.payment_get, payment_id=intent_id))

    @STRIPE.write("stripe_update_payment_intent", "Update a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentIntentUpdateSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    def update(self, request, intent_id):
        data = self.validated(StripePaymentIntentUpdateSerializer)
        return self.render(self._changed(services.payment_update, payment_id=intent_id,
                                         **_fields(request.user.account, data)))

    @STRIPE.write("stripe_confirm_payment_intent", "Confirm a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE, scenarios=True,
                  request=form_body(StripePaymentIntentConfirmSerializer),
                  responses={200: OBJECT, 402: OpenApiResponse(description="Declined")},
                  errors=STRIPE_WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def confirm(self, request, intent_id):
        data = self.validated(StripePaymentIntentConfirmSerializer)
        method = data.get("payment_method")
        payment = self._changed(services.payment_confirm, payment_id=intent_id,
                                payment_method_id=_payment_method(method) if method else "")
        return self.render(payment, declined_now=True)

    @STRIPE.write("stripe_capture_payment_intent", "Capture an authorised PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripePaymentIntentCaptureSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def capture(self, request, intent_id):
        data = self.validated(StripePaymentIntentCaptureSerializer)
        return self.render(self._changed(services.payment_capture, payment_id=intent_id,
                                         amount_minor=data.get("amount_to_capture")))

    @STRIPE.write("stripe_cancel_payment_intent", "Cancel a PaymentIntent",
                  scope=scopes.PAYMENTS_WRITE, scenarios=True,
                  request=form_body(StripePaymentIntentCancelSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, intent_id):
        data = self.validated(StripePaymentIntentCancelSerializer)
        return self.render(self._changed(services.payment_cancel, payment_id=intent_id,
                                         reason=data.get("cancellation_reason", "")))


class CustomerViewSet(StripeViewSet):
    queryset = Customer.objects.none()
    lookup_url_kwarg = "customer_id"

    @STRIPE.read("stripe_list_customers", "List customers, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=STRIPE_LIST_ERRORS,
                 parameters=[OpenApiParameter("email", str)])
    def list(self, request):
        customers = selectors.customer_list(account=request.user.account,
                                            email=request.query_params.get("email"))
        return self.rendered_list(customers, customer_to_stripe)

    @STRIPE.write("stripe_create_customer", "Create a customer", scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCustomerSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    def create(self, request):
        customer = services.customer_create(account=request.user.account,
                                            **self.validated(StripeCustomerSerializer))
        return Response(customer_to_stripe(customer))

    @STRIPE.read("stripe_retrieve_customer", "Retrieve a customer",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, customer_id):
        return Response(customer_to_stripe(selectors.customer_get(
            account=request.user.account, customer_id=customer_id)))

    @STRIPE.write("stripe_update_customer", "Update a customer", scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCustomerSerializer),
                  responses={200: OBJECT},
                  errors=STRIPE_WRITE_ERRORS)
    def update(self, request, customer_id):
        customer = services.customer_update(account=request.user.account,
                                            customer_id=customer_id,
                                            **self.validated(StripeCustomerSerializer))
        return Response(customer_to_stripe(customer))

    @STRIPE.operation("stripe_delete_customer", "Delete a customer",
                      scope=scopes.PAYMENTS_WRITE, responses={200: OBJECT},
                      errors=(401, 403, 404))
    def destroy(self, request, customer_id):
        services.customer_delete(account=request.user.account, customer_id=customer_id)
        return Response({"id": customer_id, "object": "customer", "deleted": True})
