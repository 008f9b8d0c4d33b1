from api.routers import Router, StripeRouter
from webhooks_app.api.stripe import StripeEventViewSet, StripeWebhookEndpointViewSet
from webhooks_app.api.v1 import (
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

v1 = v1_router.urls


stripe_router = StripeRouter()
stripe_router.register("webhook_endpoints", StripeWebhookEndpointViewSet,
                       basename="stripe-webhook-endpoint")
stripe_router.register("events", StripeEventViewSet, basename="stripe-event")

stripe = stripe_router.urls
