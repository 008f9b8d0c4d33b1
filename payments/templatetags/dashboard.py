from django import template

from payments import dashboard
from webhooks_app.models import Delivery, DeliveryStatus

register = template.Library()


@register.inclusion_tag("admin/dashboard.html")
def payments_dashboard():
    days, counts = dashboard.daily_counts()
    volumes = dashboard.currency_volumes()
    return {
        "chart": dashboard.svg_chart(days, counts),
        "payments_30d": sum(sum(day.values()) for day in counts.values()),
        "volumes": volumes,
        "failed_deliveries": Delivery.objects.filter(status=DeliveryStatus.FAILED).count(),
    }
