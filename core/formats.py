"""The wire formats the service speaks, as the domain may record them.

The domain decides nothing by format; where it must remember which format made an object
(a payment's `origin`, the format a webhook endpoint was registered with and its events are
rendered in), a field holds one of these, and the formats read it.
"""

from django.db import models


class Format(models.TextChoices):
    V1 = "v1", "/v1"
    DEVDRAFT = "devdraft", "devdraft (/api/v0)"
    UQPAY = "uqpay", "UQPay (/api/v2)"
    STRIPE = "stripe", "Stripe (/stripe/v1)"
