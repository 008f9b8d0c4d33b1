"""Payments: charges in test mode, with their status and what has been refunded."""

from django.db import models
from django.utils import timezone

from accounts.models import Account
from core.formats import Format
from core.ids import id_factory
from payments.money import CURRENCY_CHOICES

PAYMENT_ID_PREFIX = "pay"


class PaymentStatus(models.TextChoices):
    REQUIRES_CONFIRMATION = "requires_confirmation"  # opened, to be confirmed by the client
    PENDING = "pending"
    PROCESSING = "processing"
    AUTHORIZED = "authorized"  # manual capture: confirmed, waiting to be captured
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class PaymentMethod(models.TextChoices):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    WALLET = "wallet"
    CRYPTO = "crypto"


class CaptureMethod(models.TextChoices):
    AUTOMATIC = "automatic"  # confirming captures
    MANUAL = "manual"  # confirming authorizes; `payment_capture` captures, within 7 days


class Payment(models.Model):
    """A charge. Its status and money fields change only through `payments.services`."""

    public_id = models.CharField(max_length=32, unique=True,
                                 default=id_factory(PAYMENT_ID_PREFIX))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="payments")
    origin = models.CharField(max_length=10, choices=Format.choices, default=Format.V1,
                              help_text="The wire format it was made through: which events "
                              "about it each format sends, and its id's prefix.")
    amount_minor = models.BigIntegerField(help_text="Minor units of the currency (cents; yen).")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=24, choices=PaymentStatus.choices)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_method_id = models.CharField(max_length=64, blank=True, default="")
    customer_email = models.EmailField(max_length=254, blank=True, default="")
    customer_id = models.CharField(max_length=100, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    capture_method = models.CharField(max_length=10, choices=CaptureMethod.choices,
                                      default=CaptureMethod.AUTOMATIC)
    amount_received_minor = models.BigIntegerField(
        default=0, help_text="Minor units captured: the amount, or less after a partial "
        "capture; what refunds draw on.")
    capture_before = models.DateTimeField(
        null=True, blank=True, help_text="An authorization's expiry (by the account's clock): "
        "uncaptured by then, it is released (cancelled).")
    refunded_minor = models.BigIntegerField(default=0, help_text="Minor units refunded.")
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")
    updated_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="payment_account_recent"),
            models.Index(
                fields=["account", "status", "-created_at"], name="payment_account_status"
            ),
            models.Index(fields=["idempotency_key"], name="payment_idempotency_key"),
            # The scheduler's scan for settlements lost with their task (every tick): only
            # the few pending rows, not the whole table.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"),
                         name="payment_pending"),
            # The scheduler's scan for authorizations to release: only the authorized rows.
            models.Index(fields=["capture_before"], condition=models.Q(status="authorized"),
                         name="payment_authorized"),
        ]
        # The admin's actions, each granted on its own (viewing payments is not acting).
        permissions = [("cancel_payment", "Can cancel payments"),
                       ("export_payment", "Can export payments as CSV")]

    def __str__(self):
        return self.public_id

    @property
    def refundable_minor(self) -> int:
        """What refunds may still draw on: what was captured, less what was refunded."""
        return self.amount_received_minor - self.refunded_minor


class Customer(models.Model):
    """A customer of the account's business: payments name it by id."""

    public_id = models.CharField(max_length=32, unique=True, default=id_factory("cus"))
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=256, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"],
                                name="customer_account_recent"),
                   models.Index(fields=["account", "email"], name="customer_account_email")]

    def __str__(self):
        return f"{self.name or self.email or self.public_id}"
