"""`/v1/webhooks`: endpoints, events, simulation, and the developer tools: the delivery log,
redelivery, endpoint updates and secret rotation."""

import django_filters
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import scopes
from api.filters import StrictFilterSet
from api.pagination import PageOrOffsetPagination, list_shape, whole_list
from api.surfaces import LIST_ERRORS, WRITE_ERRORS
from api.v1 import V1, V1ViewSet
from webhooks_app import selectors, services
from webhooks_app.api.v1.rendering import EVENT_CHOICES
from webhooks_app.api.v1.serializers import (
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointDeletedSerializer,
    EndpointSerializer,
    EndpointUpdateSerializer,
    EndpointWithSecretSerializer,
    EventSerializer,
    RedeliverSerializer,
    RotateSecretSerializer,
    SimulateSerializer,
)
from webhooks_app.models import Delivery, DeliveryStatus, Event, WebhookEndpoint

MANAGE = {"tag": "webhooks", "scope": scopes.WEBHOOKS_MANAGE}


class WebhookEndpointViewSet(V1ViewSet):
    pagination_class = PageOrOffsetPagination
    queryset = WebhookEndpoint.objects.none()  # for the schema; requests see their own
    lookup_url_kwarg = "endpoint_id"

    @V1.read(
        "list_webhook_endpoints",
        "List webhook endpoints",
        tag="webhooks",
        scope=scopes.WEBHOOKS_MANAGE,
        responses={200: EndpointSerializer(many=True)},
        errors=LIST_ERRORS,
    )
    def list(self, request):
        return self.list_response(selectors.endpoint_list(account=request.user.account),
                                  EndpointSerializer)

    @V1.write(
        "create_webhook_endpoint",
        "Register a webhook endpoint",
        examples=[OpenApiExample("Payments and refunds", request_only=True, value={
            "url": "https://example.com/webhooks/payments",
            "events": ["payment.completed", "refund.completed"]})],
        tag="webhooks",
        scope=scopes.WEBHOOKS_MANAGE,
        request=EndpointCreateSerializer,
        responses={201: EndpointWithSecretSerializer},
        secret_fields=("secret",),
        links={"201": [
            ("retrieve_webhook_endpoint", "endpoint_id", "id"),
            ("delete_webhook_endpoint", "endpoint_id", "id"),
        ]},
    )
    def create(self, request):
        endpoint = services.endpoint_create(
            account=request.user.account, **self.validated(EndpointCreateSerializer)
        )
        return Response(EndpointWithSecretSerializer(endpoint).data, status.HTTP_201_CREATED)

    @V1.read(
        "retrieve_webhook_endpoint",
        "Retrieve a webhook endpoint",
        tag="webhooks",
        scope=scopes.WEBHOOKS_MANAGE,
        responses={200: EndpointSerializer},
    )
    def retrieve(self, request, endpoint_id):
        endpoint = selectors.endpoint_get(account=request.user.account, endpoint_id=endpoint_id)
        return Response(EndpointSerializer(endpoint).data)

    @V1.read(
        "delete_webhook_endpoint",
        "Delete a webhook endpoint",
        tag="webhooks",
        scope=scopes.WEBHOOKS_MANAGE,
        responses={200: EndpointDeletedSerializer},
    )
    def destroy(self, request, endpoint_id):
        services.endpoint_delete(account=request.user.account, endpoint_id=endpoint_id)
        return Response({"id": endpoint_id, "object": "webhook_endpoint", "deleted": True})

    @V1.operation(
        "update_webhook_endpoint",
        "Change an endpoint: URL, events, description, or enable it again",
        description="A new URL follows the rules of registration. `enabled: true` enables a "
        "disabled endpoint (after a 410, or five days of failures) and forgets its failures.",
        examples=[OpenApiExample("Enable again", request_only=True, value={"enabled": True})],
        request=EndpointUpdateSerializer,
        responses={200: EndpointSerializer},
        errors=WRITE_ERRORS,
        **MANAGE,
    )
    def partial_update(self, request, endpoint_id):
        endpoint = services.endpoint_update(account=request.user.account,
                                            endpoint_id=endpoint_id,
                                            **self.validated(EndpointUpdateSerializer))
        return Response(EndpointSerializer(endpoint).data)

    @V1.write(
        "rotate_webhook_secret",
        "Rotate the signing secret, with an overlap",
        description="Answers the endpoint with its new `secret` (shown this once). Until the "
        "previous secret expires, `webhook-signature` carries both signatures "
        "(`v1,<new> v1,<old>`), so a receiver verifying with either passes.",
        examples=[OpenApiExample("An hour of overlap", request_only=True,
                                 value={"expire_previous_in_seconds": 3600})],
        request=RotateSecretSerializer,
        responses={200: EndpointWithSecretSerializer},
        secret_fields=("secret",),
        **MANAGE,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, endpoint_id):
        endpoint = services.endpoint_rotate_secret(
            account=request.user.account, endpoint_id=endpoint_id,
            **self.validated(RotateSecretSerializer))
        return Response(EndpointWithSecretSerializer(endpoint).data)


class EventFilter(StrictFilterSet):
    type = django_filters.ChoiceFilter(choices=EVENT_CHOICES)

    class Meta:
        model = Event
        fields = ["type"]


class EventViewSet(V1ViewSet):
    filterset_class = EventFilter
    pagination_class = PageOrOffsetPagination
    queryset = Event.objects.none()  # for the schema; requests list the caller's own
    lookup_url_kwarg = "event_id"

    @V1.read(
        "list_webhook_events",
        "List events, newest first",
        tag="webhooks",
        scope=scopes.PAYMENTS_READ,
        responses={200: EventSerializer(many=True)},
        errors=LIST_ERRORS,
    )
    def list(self, request):
        return self.list_response(selectors.event_list(account=request.user.account),
                                  EventSerializer)

    @V1.read(
        "retrieve_webhook_event",
        "Retrieve an event",
        tag="webhooks",
        scope=scopes.PAYMENTS_READ,
        responses={200: EventSerializer},
    )
    def retrieve(self, request, event_id):
        event = selectors.event_get(account=request.user.account, event_id=event_id)
        return Response(EventSerializer(event).data)

    @V1.write(
        "redeliver_webhook_event",
        "Send an event again: a new attempt, now",
        description="To every enabled endpoint subscribed to the event, or to `endpoint_id` "
        "only. Answers the new deliveries (same `webhook-id`, a new attempt number).",
        request=RedeliverSerializer,
        responses={202: list_shape(DeliverySerializer, "DeliveryList")},
        **MANAGE,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def redeliver(self, request, event_id):
        deliveries = services.event_redeliver(account=request.user.account, event_id=event_id,
                                              **self.validated(RedeliverSerializer))
        return Response(whole_list(DeliverySerializer(deliveries, many=True).data),
                        status=status.HTTP_202_ACCEPTED)


class DeliveryFilter(StrictFilterSet):
    endpoint_id = django_filters.CharFilter(field_name="endpoint__public_id")
    event_id = django_filters.CharFilter(field_name="event__public_id")
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["endpoint_id", "event_id", "status"]


class DeliveryViewSet(V1ViewSet):
    """The delivery log: every attempt, with what the receiver answered."""

    filterset_class = DeliveryFilter
    pagination_class = PageOrOffsetPagination
    queryset = Delivery.objects.none()  # for the schema; requests list the caller's own
    lookup_url_kwarg = "delivery_id"

    @V1.read("list_webhook_deliveries", "List delivery attempts, newest first",
             responses={200: DeliverySerializer(many=True)}, errors=LIST_ERRORS, **MANAGE)
    def list(self, request):
        return self.list_response(selectors.delivery_list(account=request.user.account),
                                  DeliverySerializer)

    @V1.read("retrieve_webhook_delivery", "Retrieve a delivery attempt",
             responses={200: DeliverySerializer}, **MANAGE)
    def retrieve(self, request, delivery_id):
        delivery = selectors.delivery_get(account=request.user.account,
                                          delivery_id=delivery_id)
        return Response(DeliverySerializer(delivery).data)


class SimulateViewSet(V1ViewSet):
    """`POST /v1/webhooks/simulate`: an event of any type, delivered like a real
    one."""

    @V1.write(
        "simulate_webhook_event",
        "Emit a test event, delivered like a real one",
        examples=[OpenApiExample("A completed payment", request_only=True, value={
            "event_type": "payment.completed",
            "payload": {"payment": {"id": "pay_test", "amount": 99.99}}})],
        tag="webhooks",
        scope=scopes.WEBHOOKS_MANAGE,
        request=SimulateSerializer,
        responses={201: EventSerializer},
        links={"201": [("retrieve_webhook_event", "event_id", "id")]},
    )
    def create(self, request):
        data = self.validated(SimulateSerializer)
        event = services.event_simulate(
            account=request.user.account, event_type=data["event_type"], payload=data["payload"]
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)
