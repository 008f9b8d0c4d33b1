"""Payments and the idempotency records that make retrying them safe."""

import secrets

from django.db import models
from django.utils import timezone

from oauth_app.models import Account
from payments.money import CURRENCY_CHOICES, to_major


def new_payment_id() -> str:
    return f"pay_{secrets.token_hex(12)}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending"
    PROCESSING = "processing"
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


class Payment(models.Model):
    """A charge. Its status and money fields change only through `payments.services`."""

    public_id = models.CharField(max_length=32, unique=True, default=new_payment_id)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="payments")
    amount = models.BigIntegerField(help_text="Minor units of the currency (cents; yen).")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_method_id = models.CharField(max_length=64, blank=True, default="")
    customer_email = models.EmailField(max_length=254, blank=True, default="")
    customer_id = models.CharField(max_length=100, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    refunded_amount = models.BigIntegerField(default=0, help_text="Minor units refunded.")
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="payment_account_recent"),
            models.Index(
                fields=["account", "status", "-created_at"], name="payment_account_status"
            ),
            models.Index(fields=["idempotency_key"], name="payment_idempotency_key"),
        ]

    def __str__(self):
        return self.public_id

    @property
    def amount_major(self):
        return to_major(self.amount, self.currency)

    @property
    def refunded_major(self):
        return to_major(self.refunded_amount, self.currency)

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount


class IdempotencyStatus(models.TextChoices):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class IdempotencyKey(models.Model):
    """One client-chosen key per account: the request it named and the response it got."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=IdempotencyStatus.choices)
    lock_token = models.CharField(max_length=32, blank=True, default="")
    locked_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "idempotency key"
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_per_account")
        ]

    def __str__(self):
        return self.key
