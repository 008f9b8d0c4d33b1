"""Query filters of `GET /v1/payments`: status, currency, creation time."""

import django_filters

from api.filters import StrictFilterSet, UTCDateTimeFilter
from payments.models import Payment, PaymentStatus
from payments.money import CURRENCY_CHOICES


class PaymentFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)
    created_after = UTCDateTimeFilter(field_name="created_at", lookup_expr="gt")
    created_before = UTCDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Payment
        fields = ["status", "currency", "created_after", "created_before"]
