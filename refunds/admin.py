"""Refunds, read-only: they are made through the API or the payments admin's action."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from payments.money import format_display
from refunds.models import Refund


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("public_id", "payment_link", "amount_display", "status", "reason",
                    "created_at")
    list_filter = ("status", "currency", "reason")
    search_fields = ("public_id", "payment__public_id", "reason")
    list_select_related = ("payment",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = readonly_fields = ("public_id", "payment_link", "amount_display", "status",
                                "reason", "failure_reason", "metadata", "payment_attempt_id",
                                "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="payment", ordering="payment__public_id")
    def payment_link(self, refund):
        url = reverse("admin:payments_payment_change", args=[refund.payment_id])
        return format_html('<a href="{}">{}</a>', url, refund.payment.public_id)

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, refund):
        return format_display(refund.amount, refund.currency)
