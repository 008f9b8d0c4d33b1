from api.routers import Router
from api.stripe.surface import StripeRouter
from refunds.api.devdraft.views import DevdraftRefundViewSet
from refunds.api.stripe.views import StripeChargeRefundViewSet, StripeRefundViewSet
from refunds.api.uqpay.views import UqpayRefundViewSet
from refunds.api.v1.views import PaymentRefundViewSet, RefundViewSet

PAYMENT = "<str:payment_id>"

v1_router = Router()
v1_router.register(f"payments/{PAYMENT}", PaymentRefundViewSet, basename="payment-refund")
v1_router.register("refunds", RefundViewSet, basename="refund")

devdraft_router = Router()
devdraft_router.register(f"test-payment/{PAYMENT}", DevdraftRefundViewSet,
                         basename="devdraft-refund")

uqpay_router = Router()
uqpay_router.register("payment/refunds", UqpayRefundViewSet, basename="uqpay-refund")

stripe_router = StripeRouter()
stripe_router.register("refunds", StripeRefundViewSet, basename="stripe-refund")
stripe_router.register("charges/<str:charge_id>/refunds", StripeChargeRefundViewSet,
                       basename="stripe-charge-refund")

v1 = v1_router.urls
devdraft = devdraft_router.urls
uqpay = uqpay_router.urls
stripe = stripe_router.urls
