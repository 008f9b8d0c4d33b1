"""Merchants and the API keys that act for them."""

import hashlib

from django.db import models
from django.utils import timezone

from core.ids import id_factory


def hash_secret(secret: str) -> str:
    """Secrets are long random strings, so one SHA-256 is enough to make the stored copy useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Account(models.Model):
    """A merchant: every payment, refund, webhook and idempotency key belongs to one."""

    public_id = models.CharField(max_length=40, unique=True, default=id_factory("acct"))
    name = models.CharField(max_length=200)
    has_webhook_endpoints = models.BooleanField(
        default=False, editable=False,
        help_text="Kept by webhooks_app.services: emitting an event for an account without "
        "endpoints skips looking for them.",
    )
    has_scenarios = models.BooleanField(
        default=False, editable=False,
        help_text="True while the account may have an active test scenario: without one, an "
        "operation asks no question about scenarios.",
    )
    clock_offset_seconds = models.BigIntegerField(
        default=0, editable=False,
        help_text="The sandbox clock: how far the account's time runs ahead of the wall clock.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.public_id})"


class ApiKey(models.Model):
    """A secret API key; only its SHA-256 is stored, plus a short prefix to recognise it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    client_id = models.CharField(
        max_length=64, unique=True, help_text="Public identifier, sent beside the secret by "
        "the devdraft and UQPay dialects."
    )
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    secret_prefix = models.CharField(max_length=16, editable=False)
    scopes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API key"
        permissions = [("revoke_apikey", "Can revoke API keys")]

    def __str__(self):
        return f"{self.name} ({self.secret_prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_active and not self.is_expired


class Scenario(models.Model):
    """A failure an integrator asked for: the next `times` matching operations of the account
    are shaped by `outcome` (see accounts.scenarios)."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("scn"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scenarios")
    operation = models.CharField(max_length=30)
    outcome = models.CharField(max_length=20)
    decline_code = models.CharField(max_length=30, blank=True, default="")
    delay_ms = models.PositiveIntegerField(null=True, blank=True)
    times = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    surface = models.CharField(max_length=10)
    match = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "operation", "remaining"],
                                name="scenario_account_operation")]

    def __str__(self):
        return f"{self.public_id} {self.operation} → {self.outcome} ({self.remaining} left)"
