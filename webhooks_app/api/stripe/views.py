"""`/stripe/v1`: webhook endpoints and events as Stripe's API has them, so that
`stripe.WebhookEndpoint` and `stripe.Event` of the official SDKs work unchanged.

Only the endpoints registered here and the events rendered for them are seen here: such an
endpoint receives Stripe-shaped events signed with `Stripe-Signature`, which
`stripe.Webhook.construct_event` verifies.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.response import Response

from accounts import scopes
from api.stripe.filters import ListFilters, created
from api.stripe.surface import LIST_ERRORS, STRIPE, WRITE_ERRORS, StripeViewSet
from api.surfaces import READ_ERRORS
from core.formats import Format
from webhooks_app import selectors, services
from webhooks_app.api.stripe.serializers import (
    EventListParams,
    EventSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointDeletedSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
)
from webhooks_app.models import Event, WebhookEndpoint

MANAGE = {"scope": scopes.WEBHOOKS_MANAGE}
# The paginator documents the cursor of lists answered by a serializer's list.
EVENT_FILTERS = ListFilters(created(), cursor=False)
STRIPE_FORMAT = Format.STRIPE


class StripeWebhookEndpointViewSet(StripeViewSet):
    """`/stripe/v1/webhook_endpoints`: create, retrieve, update (POST), delete, list."""

    queryset = WebhookEndpoint.objects.none()  # for the schema; requests see their own
    lookup_url_kwarg = "webhook_endpoint"
    stripe_object = "webhook_endpoint"  # nothing of it expands

    @STRIPE.read(
        "stripe_list_webhook_endpoints",
        "List webhook endpoints, newest first",
        responses={200: WebhookEndpointSerializer(many=True)},
        errors=LIST_ERRORS,
        **MANAGE,
    )
    def list(self, request):
        return self.list_response(
            selectors.endpoint_list(account=request.user.account, format=STRIPE_FORMAT),
            WebhookEndpointSerializer)

    @STRIPE.write(
        "stripe_create_webhook_endpoint",
        "Create a webhook endpoint (it receives Stripe-shaped events)",
        description="`enabled_events[]`: Stripe event types, or `*` for all; as a form, "
        "`url=https%3A%2F%2Fexample.com%2Fhook&enabled_events[0]=payment_intent.succeeded&"
        "enabled_events[1]=charge.refunded`. The answer carries the signing `secret` "
        "(`whsec_…`) this once; deliveries carry `Stripe-Signature: t=…,v1=…`, verifiable "
        "with `stripe.Webhook.construct_event`.",
        examples=[OpenApiExample(
            "Two event types", request_only=True, media_type="application/x-www-form-urlencoded",
            value={"url": "https://example.com/hook",
                   "enabled_events": ["payment_intent.succeeded", "charge.refunded"]})],
        request=WebhookEndpointCreateSerializer,
        responses={200: WebhookEndpointWithSecretSerializer},
        secret_fields=("secret",),
        errors=WRITE_ERRORS,
        links={"200": [
            ("stripe_retrieve_webhook_endpoint", "webhook_endpoint", "id"),
            ("stripe_delete_webhook_endpoint", "webhook_endpoint", "id"),
        ]},
        **MANAGE,
    )
    def create(self, request):
        data = self.validated(WebhookEndpointCreateSerializer)
        endpoint = services.endpoint_create(
            account=request.user.account, url=data["url"], events=data["enabled_events"],
            description=data.get("description", ""), metadata=data.get("metadata"),
            api_version=data.get("api_version", ""), format=STRIPE_FORMAT)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @STRIPE.read(
        "stripe_retrieve_webhook_endpoint",
        "Retrieve a webhook endpoint",
        responses={200: WebhookEndpointSerializer},
        errors=READ_ERRORS,
        **MANAGE,
    )
    def retrieve(self, request, webhook_endpoint):
        endpoint = selectors.endpoint_get(account=request.user.account,
                                          endpoint_id=webhook_endpoint, format=STRIPE_FORMAT)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @STRIPE.write(
        "stripe_update_webhook_endpoint",
        "Update a webhook endpoint",
        description="`url`, `enabled_events[]`, `description`, `metadata[…]` (merged; \"\" "
        "removes a key), `disabled` (`true`/`false`; enabling forgets its failures).",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer},
        errors=WRITE_ERRORS,
        **MANAGE,
    )
    def update(self, request, webhook_endpoint):
        data = self.validated(WebhookEndpointUpdateSerializer)
        disabled = data.get("disabled")
        endpoint = services.endpoint_update(
            account=request.user.account, endpoint_id=webhook_endpoint, url=data.get("url"),
            events=data.get("enabled_events"), description=data.get("description"),
            metadata=data.get("metadata"), enabled=None if disabled is None else not disabled,
            format=STRIPE_FORMAT)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @STRIPE.read(
        "stripe_delete_webhook_endpoint",
        "Delete a webhook endpoint",
        responses={200: WebhookEndpointDeletedSerializer},
        errors=READ_ERRORS,
        **MANAGE,
    )
    def destroy(self, request, webhook_endpoint):
        services.endpoint_delete(account=request.user.account, endpoint_id=webhook_endpoint,
                                 format=STRIPE_FORMAT)
        return Response({"id": webhook_endpoint, "object": "webhook_endpoint", "deleted": True})


class StripeEventViewSet(StripeViewSet):
    """`/stripe/v1/events`: the Stripe-dialect events, as they were delivered."""

    queryset = Event.objects.none()  # for the schema; requests list the caller's own
    lookup_url_kwarg = "id"
    stripe_object = "event"  # nothing of it expands

    @STRIPE.read(
        "stripe_list_events",
        "List events, newest first",
        parameters=[
            OpenApiParameter("type", {"type": "string", "minLength": 1, "maxLength": 100},
                             description="An event type, exact or with `*` wildcards "
                             "(`payment_intent.*`)."),
            OpenApiParameter("types[]", {"type": "array", "minItems": 1, "maxItems": 20,
                                         "items": {"type": "string", "minLength": 1,
                                                   "maxLength": 100}},
                             description="Up to 20 event types (exact); not with `type`."),
            *EVENT_FILTERS.parameters,
        ],
        responses={200: EventSerializer(many=True)},
        errors=LIST_ERRORS,
        scope=scopes.PAYMENTS_READ,
    )
    def list(self, request):
        wanted = self.validated(EventListParams, data=self.query)
        return self.list_response(selectors.event_list(
            account=request.user.account, format=STRIPE_FORMAT, types=wanted.get("types"),
            type_like=wanted.get("type"), where=EVENT_FILTERS.q(self.query)), EventSerializer)

    @STRIPE.read(
        "stripe_retrieve_event",
        "Retrieve an event",
        responses={200: EventSerializer},
        errors=READ_ERRORS,
        scope=scopes.PAYMENTS_READ,
    )
    def retrieve(self, request, id):  # noqa: A002 - Stripe's name for the path parameter
        event = selectors.event_get(account=request.user.account, event_id=id,
                                    format=STRIPE_FORMAT)
        return Response(EventSerializer(event).data)
