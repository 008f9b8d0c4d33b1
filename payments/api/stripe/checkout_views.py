"""`/stripe/v1/checkout/sessions`: Checkout Sessions, whose `url` is the sandbox's hosted
payment page (`payments.pages.checkout`, an HTML page for the customer's browser, not an
operation of the API)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample
from rest_framework.decorators import action

from accounts import scopes
from api.stripe.filters import ListFilters, created, exact, one_of
from api.stripe.pagination import LIST_PARAMETERS
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet, form_body
from core.formats import Format
from payments import selectors, services
from payments.api.stripe.checkout_serializers import (
    StripeCheckoutSessionCreateSerializer,
    StripeCheckoutSessionExpireSerializer,
    checkout_fields,
)
from payments.api.stripe.checkouts import checkout_to_stripe, line_item_to_stripe
from payments.models import Checkout, CheckoutStatus
from payments.pages.links import checkout_url, site_of

OBJECT = OpenApiTypes.OBJECT  # a Stripe object: its shape is Stripe's (docs/stripe.md)
PAGE = ("The answer's `url` is the session's hosted payment page: an HTML page for the "
        "customer's browser (not an operation of this API), with the line items, a card form "
        "and a Pay button; test card numbers decide the outcome. Paid, the browser goes to "
        "`success_url` and `checkout.session.completed` is sent (docs/checkout.md).")
EXAMPLE = OpenApiExample(
    "One T-shirt", request_only=True, media_type="application/x-www-form-urlencoded",
    value={"mode": "payment", "line_items[0][price_data][currency]": "usd",
           "line_items[0][price_data][unit_amount]": 2000,
           "line_items[0][price_data][product_data][name]": "T-shirt",
           "line_items[0][quantity]": 1,
           "success_url": "https://shop.example/done?session_id={CHECKOUT_SESSION_ID}",
           "cancel_url": "https://shop.example/cart"})
LINKS = [("stripe_retrieve_checkout_session", "session_id", "id"),
         ("stripe_list_checkout_session_line_items", "session_id", "id"),
         ("stripe_expire_checkout_session", "session_id", "id")]
SESSION_FILTERS = ListFilters(
    created(), exact("customer", "customer__public_id", description="A customer's id."),
    exact("payment_intent", "payment__public_id", description="A PaymentIntent's id."),
    one_of("status", "status", tuple(CheckoutStatus.values)))


class CheckoutSessionViewSet(StripeViewSet):
    queryset = Checkout.objects.none()
    lookup_url_kwarg = "session_id"
    path_param = "session"
    param_names = {"customer_id": "customer", "payment": "payment_intent_data",
                   "checkout_id": "session"}
    error_codes = {"invalid_state": ("invalid_state", 'Only Checkout Sessions with a status '
                                     'in ["open"] can be expired.', None)}
    stripe_object = "checkout.session"
    list_actions = frozenset({"list", "line_items"})
    action_objects = {"line_items": "item"}
    oldest_first = ("line_items",)  # a session's items, as they were given

    def rendered(self, checkout: Checkout) -> dict:
        """The session, with its page's address (on the host the request came to)."""
        return checkout_to_stripe(checkout, url=checkout_url(site_of(self.request), checkout))

    @STRIPE.read("stripe_list_checkout_sessions", "List Checkout Sessions, newest first",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT}, errors=LIST_ERRORS,
                 parameters=SESSION_FILTERS.parameters)
    def list(self, request):
        return self.rendered_list(selectors.checkout_list(
            account=request.user.account, where=SESSION_FILTERS.q(self.query)), self.rendered)

    @STRIPE.write("stripe_create_checkout_session",
                  "Create a Checkout Session: a hosted payment page", description=PAGE,
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCheckoutSessionCreateSerializer),
                  examples=[EXAMPLE], responses={200: OBJECT}, errors=WRITE_ERRORS,
                  links={"200": LINKS})
    def create(self, request):
        data = self.validated(StripeCheckoutSessionCreateSerializer)
        return self.respond(self.rendered(services.checkout_create(
            account=request.user.account, origin=Format.STRIPE, **checkout_fields(data))))

    @STRIPE.read("stripe_retrieve_checkout_session", "Retrieve a Checkout Session",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT})
    def retrieve(self, request, session_id):
        return self.respond(self.rendered(selectors.checkout_get(
            account=request.user.account, checkout_id=session_id)))

    @STRIPE.read("stripe_list_checkout_session_line_items",
                 "List a Checkout Session's line items, as given",
                 scope=scopes.PAYMENTS_READ, responses={200: OBJECT},
                 errors=(*LIST_ERRORS, 404), parameters=LIST_PARAMETERS)
    @action(detail=True, methods=["get"], url_path="line_items")
    def line_items(self, request, session_id):
        checkout = selectors.checkout_get(account=request.user.account, checkout_id=session_id)
        return self.rendered_list(selectors.checkout_line_items(checkout=checkout),
                                  line_item_to_stripe)

    @STRIPE.write("stripe_expire_checkout_session",
                  "Expire an open Checkout Session: its page takes no more payment",
                  scope=scopes.PAYMENTS_WRITE,
                  request=form_body(StripeCheckoutSessionExpireSerializer),
                  responses={200: OBJECT}, errors=WRITE_ERRORS)
    @action(detail=True, methods=["post"])
    def expire(self, request, session_id):
        self.validated(StripeCheckoutSessionExpireSerializer)
        return self.respond(self.rendered(services.checkout_expire(
            account=request.user.account, checkout_id=session_id)))
