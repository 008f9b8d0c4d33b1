"""Parameters and shapes of webhook endpoints and events on `/stripe/v1`.

Request bodies are forms in Stripe's bracket notation (`api.stripe.forms`): every value
arrives as a string, so booleans are "true"/"false" and lists are `enabled_events[0]=...`.
"""

import re

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from api.fields import StrictCharField
from api.stripe.params import FormBooleanField, MetadataField, StripeParams
from webhooks_app.api.stripe import event_types
from webhooks_app.api.stripe.rendering import SENT, endpoint_to_stripe, event_to_stripe
from webhooks_app.events import ALL_TYPES

MAX_ENABLED_EVENTS = len(event_types.ALL) + 1
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


ENABLED_EVENT_CHOICES = [ALL_TYPES, *sorted(event_types.ALL)]


@extend_schema_field({"type": "string", "enum": ENABLED_EVENT_CHOICES})
class _EnabledEvent(StrictCharField):
    """Checked by `_check_enabled_events` (for Stripe's `param`: `enabled_events[1]`)."""


class _EnabledEvents(serializers.ListField):
    child = _EnabledEvent(max_length=100)

    def __init__(self, **kwargs):
        super().__init__(allow_empty=False, max_length=MAX_ENABLED_EVENTS,
                         help_text="Stripe event types, or `*` for all of them.", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("Invalid array", code="invalid")
        return super().to_internal_value(data)


def _check_enabled_events(attrs: dict) -> dict:
    """Each one `*` or a Stripe event type (any of Stripe's, even one the sandbox never
    emits); the first one that is not is the error's `param`, as Stripe names it."""
    for index, name in enumerate(attrs.get("enabled_events") or ()):
        if name != ALL_TYPES and name not in event_types.ALL:
            raise serializers.ValidationError({f"enabled_events[{index}]": [
                serializers.ErrorDetail(
                    f"Invalid value '{name[:100]}': must be '*' or a Stripe event type "
                    f"({', '.join(SENT[:2])}, ...).", code="invalid_value")]})
    return attrs


@extend_schema_field({"type": "string", "pattern": _API_VERSION.pattern,
                      "example": "2024-06-20"})
class _ApiVersionField(StrictCharField):
    """Checked by `validate_api_version` (Stripe's `YYYY-MM-DD`, with an optional `.name`)."""


@extend_schema_serializer(component_name="StripeWebhookEndpointCreate")
class WebhookEndpointCreateSerializer(StripeParams):
    url = serializers.URLField(max_length=2048, help_text="Where events are POSTed.")
    enabled_events = _EnabledEvents()
    description = StrictCharField(required=False, allow_blank=True, max_length=500)
    metadata = MetadataField(required=False)
    api_version = _ApiVersionField(required=False, max_length=40,
                                   help_text="Shown on the endpoint; events are rendered in "
                                   "the sandbox's one version whatever it says.")

    def validate_api_version(self, value: str) -> str:
        if not _API_VERSION.match(value):
            raise serializers.ValidationError(f"Invalid API version: {value[:40]}",
                                              code="invalid_value")
        return value

    def validate(self, attrs):
        return _check_enabled_events(attrs)


@extend_schema_serializer(component_name="StripeWebhookEndpointUpdate")
class WebhookEndpointUpdateSerializer(StripeParams):
    """Any of these; what is left out stays as it is."""

    url = serializers.URLField(max_length=2048, required=False)
    enabled_events = _EnabledEvents(required=False)
    description = StrictCharField(required=False, allow_blank=True, max_length=500,
                                  help_text="\"\" removes it.")
    metadata = MetadataField(required=False, allow_clear=True)
    disabled = FormBooleanField(required=False, help_text="`true` disables the endpoint, "
                                "`false` enables it again (and forgets its failures).")

    def validate(self, attrs):
        return _check_enabled_events(attrs)


@extend_schema_serializer(component_name="StripeWebhookEndpoint")
class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="we_…")
    object = serializers.CharField(help_text="`webhook_endpoint`")
    api_version = serializers.CharField(allow_null=True)
    application = serializers.CharField(allow_null=True)
    created = serializers.IntegerField(help_text="Unix seconds.")
    description = serializers.CharField(allow_null=True)
    enabled_events = serializers.ListField(child=serializers.CharField())
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    status = serializers.CharField(help_text="`enabled` or `disabled`.")
    url = serializers.URLField()

    def to_representation(self, endpoint):
        return endpoint_to_stripe(endpoint)


@extend_schema_serializer(component_name="StripeWebhookEndpointWithSecret")
class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The creation's answer: the only one with the signing secret."""

    secret = serializers.CharField(
        allow_null=True,
        help_text="whsec_…: verify `Stripe-Signature` with it (`stripe.Webhook."
        "construct_event`). Shown once: an idempotent replay answers null.")

    def to_representation(self, endpoint):
        return endpoint_to_stripe(endpoint, with_secret=True)


@extend_schema_serializer(component_name="StripeDeletedWebhookEndpoint")
class WebhookEndpointDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(help_text="`webhook_endpoint`")
    deleted = serializers.BooleanField()


@extend_schema_serializer(component_name="StripeEvent")
class EventSerializer(serializers.Serializer):
    """The event exactly as it was delivered (its stored, signed JSON body)."""

    id = serializers.CharField(help_text="evt_…")
    object = serializers.CharField(help_text="`event`")
    api_version = serializers.CharField(allow_null=True)
    created = serializers.IntegerField(help_text="Unix seconds, by the account's clock.")
    data = serializers.DictField(help_text="`{\"object\": …}`: the object as it was then, in "
                                 "Stripe's shape.")
    livemode = serializers.BooleanField()
    pending_webhooks = serializers.IntegerField(help_text="The endpoints it was sent to, when "
                                                "it was created.")
    request = serializers.DictField(allow_null=True)
    type = serializers.CharField(help_text="`payment_intent.succeeded`, …")

    def to_representation(self, event):
        return event_to_stripe(event)


class EventListParams(serializers.Serializer):
    """`type` (exact, or with `*` wildcards: `payment_intent.*`) or `types` (up to 20 exact
    names), not both."""

    type = StrictCharField(required=False, max_length=100)
    types = serializers.ListField(child=StrictCharField(max_length=100), required=False,
                                  allow_empty=False, max_length=20)

    def validate(self, attrs):
        if "type" in attrs and "types" in attrs:
            raise serializers.ValidationError({"types": [serializers.ErrorDetail(
                "You may only specify one of these parameters: type, types.",
                code="invalid_value")]})
        return attrs

