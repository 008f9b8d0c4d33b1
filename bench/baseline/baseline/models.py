from django.db import models
from django.utils import timezone


class Row(models.Model):
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, default="completed")
    method = models.CharField(max_length=20, default="card")
    description = models.CharField(max_length=500)
    email = models.EmailField()
    reference = models.CharField(max_length=64, blank=True, default="")
    metadata = models.JSONField(default=dict)
    flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"row {self.pk}"
