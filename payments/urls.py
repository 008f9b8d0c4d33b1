from django.urls import path

from api.routers import Router
from api.stripe.surface import StripeRouter
from payments.api.devdraft.views import DevdraftPaymentViewSet
from payments.api.stripe.card_views import ChargeViewSet, PaymentMethodViewSet
from payments.api.stripe.setup_views import SetupIntentViewSet
from payments.api.stripe.views import CustomerViewSet, PaymentIntentViewSet
from payments.api.v1.views import ApiInfoView, PaymentViewSet

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

v1 = [path("api-info", ApiInfoView.as_view(), name="api-info"), *v1_router.urls]
devdraft = devdraft_router.urls
stripe = stripe_router.urls
