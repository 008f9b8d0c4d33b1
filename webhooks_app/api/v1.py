"""`/v1/webhooks`: endpoints, events and simulation."""

import django_filters
from drf_spectacular.utils import OpenApiExample
from rest_framework import status
from rest_framework.response import Response

from accounts import scopes
from api.pagination import PageOrOffsetPagination
from api.surfaces import LIST_ERRORS, V1
from api.viewsets import V1ViewSet
from webhooks_app import events, selectors, services
from webhooks_app.api.serializers import (
    EndpointCreateSerializer,
    EndpointDeletedSerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    EventSerializer,
    SimulateSerializer,
)
from webhooks_app.models import Event, WebhookEndpoint


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
        examples=[OpenApiExample("Seed 003", request_only=True, value={
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


class EventFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=events.CHOICES)

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


class SimulateViewSet(V1ViewSet):
    """`POST /v1/webhooks/simulate` (seed 003): an event of any type, delivered like a real
    one."""

    @V1.write(
        "simulate_webhook_event",
        "Emit a test event, delivered like a real one",
        examples=[OpenApiExample("Seed 003", request_only=True, value={
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
