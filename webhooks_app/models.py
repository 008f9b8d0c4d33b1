"""Webhook endpoints, the events they can receive, and every delivery attempt."""

import base64
import secrets

from django.db import models
from django.utils import timezone

from accounts.models import Account
from core.formats import Format
from core.ids import id_factory
from webhooks_app import events


def new_signing_secret() -> str:
    """Standard Webhooks secrets: `whsec_` and base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=id_factory("we"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2048)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.V1,
                              help_text="The wire format it was registered through: the "
                              "events it receives are that format's, rendered and signed as "
                              "that format does.")
    events = models.JSONField(default=list, help_text="Subscribed event types of its format "
                              "(`*`: every type).")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True, help_text="Strings, the client's.")
    api_version = models.CharField(max_length=40, blank=True, default="",
                                   help_text="The API version the client named at "
                                   "registration, if it named one.")
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
        """Whether it receives events of `event_type` (of its own format: see `receives`)."""
        return event_type in self.events or events.ALL_TYPES in self.events

    def receives(self, event: "Event") -> bool:
        return event.format == self.format and self.subscribes_to(event.type)


class Event(models.Model):
    """Something that happened, as one format renders it and delivers it: `payload` is the
    exact JSON body that is signed."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("evt"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=80, help_text="Its format's name for it.")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.V1,
                              help_text="Each format lists its own events and sends them to "
                              "its own endpoints.")
    object_id = models.CharField(max_length=64, blank=True, default="", db_index=True,
                                 help_text="The id of `data.object` (a payment or refund).")
    payload = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "format", "-created_at", "-id"],
                         name="event_account_format_recent"),
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
