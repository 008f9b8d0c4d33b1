"""The idempotency records that make retrying any POST of any surface safe."""

from django.conf import settings
from django.db import models


class IdempotencyStatus(models.TextChoices):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class IdempotencyKey(models.Model):
    """One client-chosen key per account: the request it named and the response it got."""

    account = models.ForeignKey(settings.API_ACCOUNT_MODEL, on_delete=models.CASCADE,
                                related_name="+")
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
    replay_after = models.DateTimeField(
        null=True, blank=True, help_text="Not replayed before this time: the first answer is "
        "held back by a test scenario's delay, a retry meanwhile is told the key is in use.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "idempotency key"
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="idempotency_key_per_account")
        ]

    def __str__(self):
        return self.key
