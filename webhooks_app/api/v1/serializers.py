"""Parameters and shapes of webhook endpoints, events and deliveries on `/v1`."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from api import numbers
from api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    TimestampField,
)
from api.json import unstorable
from core.json import dumps, loads
from webhooks_app.api.v1.rendering import EVENT_CHOICES, delivery_to_v1
from webhooks_app.models import DeliveryStatus


class EndpointCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2048)
    events = serializers.ListField(
        child=StrictChoiceField(choices=EVENT_CHOICES), allow_empty=False, min_length=1,
        max_length=20,
    )
    description = StrictCharField(required=False, allow_blank=True, max_length=500)


class EndpointUpdateSerializer(serializers.Serializer):
    """PATCH: any of these; what is left out stays as it is."""

    url = serializers.URLField(max_length=2048, required=False)
    events = serializers.ListField(
        child=StrictChoiceField(choices=EVENT_CHOICES), allow_empty=False, min_length=1,
        max_length=20, required=False,
    )
    description = StrictCharField(required=False, allow_blank=True, max_length=500)
    enabled = StrictBooleanField(required=False, help_text="`true` enables a disabled "
                                 "endpoint again and forgets its failures.")


class RotateSecretSerializer(serializers.Serializer):
    expire_previous_in_seconds = StrictIntegerField(
        min_value=0, max_value=604_800, default=86_400,
        help_text="How long the previous secret keeps signing beside the new one (0: not at "
        "all).")


class RedeliverSerializer(serializers.Serializer):
    endpoint_id = StrictCharField(required=False, max_length=32,
                                  help_text="Only to this endpoint (by default: every enabled "
                                  "endpoint subscribed to the event).")


class EndpointSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", read_only=True)
    object = serializers.SerializerMethodField()
    url = serializers.URLField(read_only=True)
    events = serializers.ListField(child=serializers.CharField(), read_only=True)
    description = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(source="is_enabled", read_only=True)
    disabled_reason = serializers.CharField(read_only=True)
    created_at = TimestampField()

    def get_object(self, endpoint) -> str:
        return "webhook_endpoint"


class EndpointWithSecretSerializer(EndpointSerializer):
    """Only the creation and the rotation responses carry the signing secret."""

    secret = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="whsec_…: verify signatures with it (Standard Webhooks). Shown once: an "
        "idempotent replay answers null (rotate the secret if it was lost).")


class EndpointDeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    deleted = serializers.BooleanField()


@extend_schema_serializer(component_name="Event")
class EventSerializer(serializers.Serializer):
    """The event exactly as it is delivered: its stored, signed JSON body."""

    id = serializers.CharField(read_only=True)
    type = serializers.ChoiceField(choices=EVENT_CHOICES, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    data = serializers.DictField(read_only=True, help_text="`{\"object\": …}`: the payment or "
                                 "refund as /v1 renders it.")

    def to_representation(self, event):
        return loads(event.payload)


class SimulateSerializer(serializers.Serializer):
    event_type = StrictChoiceField(choices=EVENT_CHOICES)
    payload = serializers.DictField(required=False, default=dict)

    def validate_payload(self, payload: dict) -> dict:
        """Simulated events are stored and delivered like real ones: their size is capped,
        and they may hold no NUL character nor a number out of range."""
        refused = unstorable(payload)
        if refused:
            raise serializers.ValidationError(
                f"payload.{refused[0]} holds a NUL character or a number out of range. "
                f"{numbers.OUT_OF_RANGE_MESSAGE}", code="unstorable")
        limit = settings.WEBHOOK_SIMULATE_MAX_BYTES
        if len(dumps(payload)) > limit:
            raise serializers.ValidationError(
                f"The payload can be at most {limit} bytes of compact JSON.", code="too_large"
            )
        return payload


class DeliverySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="del_…")
    object = serializers.CharField(help_text="`webhook_delivery`")
    event_id = serializers.CharField()
    endpoint_id = serializers.CharField()
    attempt = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    response_status = serializers.IntegerField(allow_null=True)
    response_body = serializers.CharField(
        allow_null=True, help_text="The first 1,024 characters of the receiver's answer; empty "
        "from a non-public address unless WEBHOOKS_SHOW_PRIVATE_RESPONSES is on.")
    latency_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    scheduled_at = serializers.DateTimeField()
    attempted_at = serializers.DateTimeField(allow_null=True)
    next_retry_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, delivery):
        return delivery_to_v1(delivery)
