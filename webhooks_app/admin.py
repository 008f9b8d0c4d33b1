"""Operators' view of webhooks: endpoints with their delivery history, events, resend."""

from django.contrib import admin, messages

from api.admin import ActionPermissionsMixin, permitted_action
from webhooks_app import services
from webhooks_app.models import Delivery, Event, WebhookEndpoint

DELIVERY_FIELDS = ("event", "endpoint", "attempt", "status", "response_status", "latency_ms",
                   "error", "scheduled_for", "attempted_at", "next_retry_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows here change only through `webhooks_app.services`."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting an endpoint goes through the API (`endpoint_delete`)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = readonly_fields = DELIVERY_FIELDS
    extra = 0
    can_delete = False
    ordering = ("-scheduled_for", "-id")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ResendAdmin(ActionPermissionsMixin, ReadOnlyAdmin):
    """Resending makes the service call a merchant's endpoint again: its own permission, one
    for deliveries and events alike."""

    def has_resend_permission(self, request):
        return request.user.has_perm("webhooks_app.resend_delivery")


def _resend(modeladmin, request, pairs):
    count = 0
    for event, endpoint in pairs:
        delivery = services.delivery_resend(event=event, endpoint=endpoint)
        modeladmin.log_change(request, delivery.event,
                              f"Resent to {endpoint.url} (attempt {delivery.attempt}).")
        count += 1
    modeladmin.message_user(request, f"{count} delivery attempt(s) enqueued.", messages.SUCCESS)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "account", "is_enabled", "failure_count", "created_at")
    list_filter = ("is_enabled",)
    search_fields = ("public_id", "url", "account__name", "account__public_id")
    readonly_fields = ("public_id", "account", "url", "events", "description", "is_enabled",
                       "disabled_reason", "failure_count", "failing_since", "created_at")
    exclude = ("secret",)
    inlines = [DeliveryInline]


@admin.register(Event)
class EventAdmin(ResendAdmin):
    list_display = ("public_id", "type", "account", "created_at")
    list_filter = ("type",)
    search_fields = ("public_id", "payload")
    readonly_fields = ("public_id", "account", "type", "created_at", "payload")
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    actions = ["resend_to_subscribers"]

    @permitted_action("resend",
                      description="Resend to every enabled endpoint subscribed to the event")
    def resend_to_subscribers(self, request, queryset):
        pairs = [
            (event, endpoint)
            for event in queryset
            for endpoint in WebhookEndpoint.objects.filter(account_id=event.account_id,
                                                           is_enabled=True)
            if endpoint.subscribes_to(event.type)
        ]
        _resend(self, request, pairs)


@admin.register(Delivery)
class DeliveryAdmin(ResendAdmin):
    list_display = ("event", "endpoint", "attempt", "status", "response_status", "latency_ms",
                    "scheduled_for", "attempted_at")
    list_filter = ("status",)
    list_select_related = ("event", "endpoint")
    search_fields = ("event__public_id", "endpoint__url")
    readonly_fields = DELIVERY_FIELDS
    actions = ["resend"]

    @permitted_action("resend", description="Resend (a new attempt, now)")
    def resend(self, request, queryset):
        pairs = {(d.event, d.endpoint) for d in queryset.select_related("event", "endpoint")}
        _resend(self, request, sorted(pairs, key=lambda pair: (pair[0].pk, pair[1].pk)))
