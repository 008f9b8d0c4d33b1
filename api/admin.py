"""Idempotency keys, read-only: operators see what a key named and what it answered."""

from django.contrib import admin
from django.utils.html import format_html

from api.models import IdempotencyKey


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "account", "method", "path", "status", "response_status",
                    "created_at", "expires_at")
    list_filter = ("status", "method")
    search_fields = ("key", "path")
    list_select_related = ("account",)
    fields = readonly_fields = ("key", "account", "method", "path", "fingerprint", "status",
                                "response_status", "response_content_type", "stored_response",
                                "created_at", "expires_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="stored response")
    def stored_response(self, record):
        body = bytes(record.response_body or b"").decode(errors="replace")
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", body or "—")
