"""Refunds: every money movement back to the customer is a row."""

from django.db import models
from django.utils import timezone

from core.ids import id_factory
from payments.models import Payment
from payments.money import CURRENCY_CHOICES

REFUND_ID_PREFIX = "ref"


class RefundStatus(models.TextChoices):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


class RefundReason(models.TextChoices):
    """The reasons `/v1` takes; the UQPay dialect sends free text (up to 100 characters)."""

    REQUESTED_BY_CUSTOMER = "requested_by_customer"
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"
    PRODUCT_NOT_RECEIVED = "product_not_received"
    PRODUCT_UNACCEPTABLE = "product_unacceptable"
    OTHER = "other"


class Refund(models.Model):
    public_id = models.CharField(max_length=32, unique=True,
                                 default=id_factory(REFUND_ID_PREFIX))
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    amount_minor = models.BigIntegerField(help_text="Minor units of the payment's currency.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    reason = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=20, choices=RefundStatus.choices)
    failure_reason = models.CharField(max_length=64, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    payment_attempt_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")
    updated_at = models.DateTimeField(default=timezone.now, help_text="By the account's clock.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["payment", "-created_at"], name="refund_payment_recent")]
        # The payment admin's refund action (it moves money: viewing is not enough).
        permissions = [("refund_payment", "Can refund payments")]

    def __str__(self):
        return self.public_id
