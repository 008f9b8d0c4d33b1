"""Refunds, read-only: they are made through the API or the payments admin's action.

The payment admin is `payments.admin.PaymentAdmin`; refunds extend it here (the refunds
inline and the refund action) because payments cannot know about refunds.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from api.admin import permitted_action
from core.errors import ServiceError
from payments.admin import PaymentAdmin
from payments.models import Payment
from payments.money import format_display
from refunds.models import Refund, RefundReason
from refunds.services import refund_create


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

    @admin.display(description="amount", ordering="amount_minor")
    def amount_display(self, refund):
        return format_display(refund.amount_minor, refund.currency)


class RefundInline(admin.TabularInline):
    model = Refund
    fields = readonly_fields = ("public_id", "amount_display", "status", "reason", "created_at")
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at",)

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="amount")
    def amount_display(self, refund):
        return format_display(refund.amount_minor, refund.currency)


class RefundActionForm(forms.Form):
    amount = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, max_digits=12,
        help_text="In major units (e.g. 25.00). Leave empty to refund what is left.",
    )
    reason = forms.ChoiceField(choices=[("", "—"), *RefundReason.choices], required=False)


class PaymentWithRefundsAdmin(PaymentAdmin):
    inlines = [RefundInline]
    actions = ["refund", *PaymentAdmin.actions]

    def has_refund_permission(self, request):
        """Refunding moves money: its own permission, not implied by viewing or cancelling."""
        return request.user.has_perm("refunds.refund_payment")

    @permitted_action("refund", description="Refund selected payments…")
    def refund(self, request, queryset):
        if "apply" in request.POST:
            form = RefundActionForm(request.POST)
            if form.is_valid():
                for payment in queryset:
                    self._refund_one(request, payment, form.cleaned_data)
                return None
        else:
            form = RefundActionForm()
        return TemplateResponse(request, "admin/payments/payment/refund.html", {
            **self.admin_site.each_context(request), "title": "Refund payments",
            "payments": queryset, "form": form, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    def _refund_one(self, request, payment, data):
        try:
            refund = refund_create(account=payment.account, payment_id=payment.public_id,
                                   amount=data["amount"], reason=data["reason"] or "")
        except ServiceError as error:
            self.message_user(request, f"Not refunded: {error.message}", messages.ERROR)
            return
        amount = format_display(refund.amount_minor, refund.currency)
        text = f"Refunded {amount} ({refund.public_id})."
        self.log_change(request, payment, text)
        # (Django's admin capitalizes the first letter of a message: no id goes first.)
        self.message_user(request, f"Payment {payment.public_id}: {text}", messages.SUCCESS)


admin.site.unregister(Payment)
admin.site.register(Payment, PaymentWithRefundsAdmin)
