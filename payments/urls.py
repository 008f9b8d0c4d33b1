from django.urls import path, re_path

from api.routers import Router
from api.stripe.surface import StripeRouter
from payments.api.devdraft.views import DevdraftPaymentViewSet
from payments.api.stripe.card_views import ChargeViewSet, PaymentMethodViewSet
from payments.api.stripe.checkout_views import CheckoutSessionViewSet
from payments.api.stripe.setup_views import SetupIntentViewSet
from payments.api.stripe.views import CustomerViewSet, PaymentIntentViewSet
from payments.api.v1.views import ApiInfoView, PaymentViewSet
from payments.pages.checkout import checkout_page, checkout_return
from payments.pages.views import authentication_page

v1_router = Router()
v1_router.register("payments", PaymentViewSet, basename="payment")

devdraft_router = Router()
devdraft_router.register("test-payment", DevdraftPaymentViewSet, basename="devdraft-payment")

stripe_router = StripeRouter()
stripe_router.register("payment_intents", PaymentIntentViewSet, basename="stripe-payment-intent")
stripe_router.register("customers", CustomerViewSet, basename="stripe-customer")
stripe_router.register("payment_methods", PaymentMethodViewSet, basename="stripe-payment-method")
stripe_router.register("charges", ChargeViewSet, basename="stripe-charge")
stripe_router.register("setup_intents", SetupIntentViewSet, basename="stripe-setup-intent")
stripe_router.register("checkout/sessions", CheckoutSessionViewSet,
                       basename="stripe-checkout-session")

v1 = [path("api-info", ApiInfoView.as_view(), name="api-info"), *v1_router.urls]
devdraft = devdraft_router.urls
stripe = stripe_router.urls
# The pages customers' browsers visit (HTML, outside every API prefix); an id is letters,
# digits and underscores (anything else is no page: never a query with it).
pages = [re_path(r"^authenticate/(?P<authentication_id>[A-Za-z0-9_]{1,64})/$",
                 authentication_page, name="authentication-page"),
         re_path(r"^checkout/pay/(?P<session_id>[A-Za-z0-9_]{1,72})$", checkout_page,
                 name="checkout-page"),
         re_path(r"^checkout/pay/(?P<session_id>[A-Za-z0-9_]{1,72})/return$", checkout_return,
                 name="checkout-return")]
