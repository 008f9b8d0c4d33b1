from api.routers import Router
from api.stripe.surface import StripeRouter
from webhooks_app.api.stripe.views import StripeEventViewSet, StripeWebhookEndpointViewSet
from webhooks_app.api.v1.views import (
    DeliveryViewSet,
    EventViewSet,
    SimulateViewSet,
    WebhookEndpointViewSet,
)

v1_router = Router()
v1_router.register("webhooks/endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
v1_router.register("webhooks/events", EventViewSet, basename="webhook-event")
v1_router.register("webhooks/simulate", SimulateViewSet, basename="webhook-simulate")
v1_router.register("webhooks/deliveries", DeliveryViewSet, basename="webhook-delivery")

stripe_router = StripeRouter()
stripe_router.register("webhook_endpoints", StripeWebhookEndpointViewSet,
                       basename="stripe-webhook-endpoint")
stripe_router.register("events", StripeEventViewSet, basename="stripe-event")

v1 = v1_router.urls
stripe = stripe_router.urls
