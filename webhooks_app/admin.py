"""Operators' view of webhooks: endpoints with their delivery history (and what receivers
answered), events; resend, rotate a signing secret, enable an endpoint again."""

from django.contrib import admin, messages
from django.db import transaction

from api.admin import ActionPermissionsMixin, permitted_action, secrets_page
from webhooks_app import services
from webhooks_app.models import Delivery, Event, WebhookEndpoint

DELIVERY_FIELDS = ("public_id", "event", "endpoint", "attempt", "status", "response_status",
                   "response_body", "latency_ms", "error", "scheduled_for", "attempted_at",
                   "next_retry_at")


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
class WebhookEndpointAdmin(ActionPermissionsMixin, ReadOnlyAdmin):
    list_display = ("url", "account", "format", "is_enabled", "failure_count", "created_at")
    list_filter = ("is_enabled", "format")
    search_fields = ("public_id", "url", "account__name", "account__public_id")
    readonly_fields = ("public_id", "account", "format", "url", "events", "description",
                       "metadata", "api_version", "is_enabled", "disabled_reason",
                       "failure_count", "failing_since", "previous_secret_expires_at",
                       "created_at")
    exclude = ("secret", "previous_secret")
    inlines = [DeliveryInline]
    actions = ["rotate_secret", "enable"]

    def has_rotate_secret_permission(self, request):
        return request.user.has_perm("webhooks_app.rotate_secret_webhookendpoint")

    def has_enable_permission(self, request):
        return request.user.has_perm("webhooks_app.enable_webhookendpoint")

    @permitted_action("rotate_secret",
                      description="Rotate the signing secret (the old one signs for 24 h more)")
    def rotate_secret(self, request, queryset):
        with transaction.atomic():
            rotated = [services.endpoint_rotate_secret(account=e.account,
                                                       endpoint_id=e.public_id,
                                                       format=e.format)
                       for e in queryset.select_related("account")]
        for endpoint in rotated:
            self.log_change(request, endpoint, "Rotated the signing secret.")
        return secrets_page(self, request, title="New signing secrets",
                            secrets=[(endpoint.url, endpoint.secret) for endpoint in rotated])

    @permitted_action("enable", description="Enable again (forgets the failures)")
    def enable(self, request, queryset):
        for endpoint in queryset.select_related("account"):
            services.endpoint_update(account=endpoint.account, endpoint_id=endpoint.public_id,
                                     enabled=True, format=endpoint.format)
            self.log_change(request, endpoint, "Enabled again.")
        self.message_user(request, f"{queryset.count()} endpoint(s) enabled.", messages.SUCCESS)


@admin.register(Event)
class EventAdmin(ResendAdmin):
    list_display = ("public_id", "type", "format", "account", "created_at")
    list_filter = ("format", "type")
    search_fields = ("public_id", "payload")
    readonly_fields = ("public_id", "account", "format", "type", "created_at", "payload")
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
            if endpoint.receives(event)
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
