"""Webhook endpoints, the events they can receive, and every delivery attempt."""

import base64
import secrets

from django.db import models
from django.utils import timezone

from accounts.models import Account
from core.ids import id_factory
from webhooks_app import events


class Dialect(models.TextChoices):
    """How an endpoint's events look and are signed: Standard Webhooks (`/v1`'s events,
    `webhook-*` headers) or Stripe's (`/stripe/v1`'s events, `Stripe-Signature`). An endpoint
    receives only the events of its own dialect."""

    STANDARD = "standard"
    STRIPE = "stripe"


def new_signing_secret() -> str:
    """Standard Webhooks secrets: `whsec_` and base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=id_factory("we"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2048)
    dialect = models.CharField(max_length=10, choices=Dialect.choices, default=Dialect.STANDARD,
                               help_text="Which events it receives, in which format, signed "
                               "how: set at registration (by the API it is registered on).")
    events = models.JSONField(default=list, help_text="Subscribed event types (a Stripe "
                              "endpoint's `enabled_events`, where `*` is every type).")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True,
                                help_text="A Stripe endpoint's metadata (strings).")
    api_version = models.CharField(max_length=40, blank=True, default="",
                                   help_text="The API version a Stripe endpoint was created "
                                   "with, if it named one.")
    secret = models.CharField(max_length=100, default=new_signing_secret, editable=False,
                              help_text="Kept in clear: it signs every delivery.")
    previous_secret = models.CharField(
        max_length=100, blank=True, default="", editable=False,
        help_text="After a rotation, the replaced secret: it signs too until it expires, "
        "then it is dropped.")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")
    failure_count = models.PositiveIntegerField(default=0, help_text="Consecutive failures.")
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "webhook endpoint"
        # The admin's actions (through webhooks_app.services, as the API's).
        permissions = [("rotate_secret_webhookendpoint", "Can rotate webhook signing secrets"),
                       ("enable_webhookendpoint", "Can re-enable webhook endpoints")]

    def __str__(self):
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        """Whether it receives events of `event_type` (of its own dialect: see `receives`)."""
        return event_type in self.events or (
            self.dialect == Dialect.STRIPE and events.STRIPE_ALL_EVENTS in self.events)

    def receives(self, event: "Event") -> bool:
        return event.dialect == self.dialect and self.subscribes_to(event.type)


class Event(models.Model):
    """Something that happened, as delivered: `payload` is the exact JSON body that is signed."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("evt"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=80, choices=events.MODEL_CHOICES)
    dialect = models.CharField(max_length=10, choices=Dialect.choices, default=Dialect.STANDARD,
                               help_text="Standard events show on /v1, Stripe ones on "
                               "/stripe/v1; each goes to endpoints of its dialect only.")
    object_id = models.CharField(max_length=64, blank=True, default="", db_index=True,
                                 help_text="The id of `data.object` (a payment or refund).")
    payload = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "dialect", "-created_at", "-id"],
                         name="event_account_dialect_recent"),
            models.Index(fields=["account", "type", "-created_at"], name="event_account_type"),
        ]

    def __str__(self):
        return f"{self.public_id} {self.type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Events are immutable.")
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Delivery(models.Model):
    """One attempt to deliver one event to one endpoint."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("del"))
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    attempt = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    response_body = models.CharField(max_length=1024, blank=True, default="",
                                     help_text="The first 1,024 characters of the answer.")
    scheduled_for = models.DateTimeField()
    attempted_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        verbose_name_plural = "deliveries"
        # The scheduler's scan for attempts lost with their task (every tick).
        indexes = [models.Index(fields=["scheduled_for"], condition=models.Q(status="pending"),
                                name="delivery_pending")]
        # The admin's "resend" actions (on deliveries and on events): a new attempt, now.
        permissions = [("resend_delivery", "Can resend webhook deliveries")]

    def __str__(self):
        return f"{self.event.public_id} → {self.endpoint.url} (attempt {self.attempt})"
