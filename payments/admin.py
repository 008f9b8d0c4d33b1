"""The payments admin: browse and act; money and status change only through services."""

import csv
import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from api.admin import ActionPermissionsMixin, permitted_action
from api.models import IdempotencyKey
from core.errors import ServiceError
from payments import selectors, services
from payments.models import Card, Customer, Payment, PaymentStatus, Setup
from payments.money import format_display, to_major

STATUS_COLOURS = {
    PaymentStatus.REQUIRES_CONFIRMATION: "#4a5568",
    PaymentStatus.PENDING: "#b7791f",
    PaymentStatus.PROCESSING: "#b7791f",
    PaymentStatus.AUTHORIZED: "#2c7a7b",
    PaymentStatus.COMPLETED: "#2f855a",
    PaymentStatus.FAILED: "#c53030",
    PaymentStatus.CANCELLED: "#718096",
    PaymentStatus.PARTIALLY_REFUNDED: "#2b6cb0",
    PaymentStatus.REFUNDED: "#553c9a",
}
CSV_COLUMNS = ("id", "created_at", "status", "amount", "currency", "refunded_amount",
               "payment_method", "customer_email", "description", "failure_reason")
# What a spreadsheet would run as a formula at the start of a cell (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

logger = logging.getLogger(__name__)


def table(headers: tuple[str, ...], rows: list[tuple]) -> str:
    """A small read-only table of related rows for a detail page ("—" when there are none);
    a cell that is a (url, text) pair is a link."""
    if not rows:
        return "—"
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join("", "<tr>{}</tr>", (
        (format_html_join("", "<td>{}</td>", ((_cell(value),) for value in row)),)
        for row in rows))
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _cell(value):
    if isinstance(value, tuple):
        url, text = value
        return format_html('<a href="{}">{}</a>', url, text)
    return "—" if value in (None, "") else value


def card_label(card_facts: dict) -> str:
    if not card_facts:
        return "—"
    return f"{card_facts.get('brand', '')} …{card_facts.get('last4', '')}"


def status_badge(status: str):
    return format_html(
        '<span class="status-badge" style="background:{};color:#fff;padding:2px 8px;'
        'border-radius:10px;font-size:11px;white-space:nowrap">{}</span>',
        STATUS_COLOURS.get(status, "#4a5568"), status.replace("_", " "),
    )


@admin.register(Payment)
class PaymentAdmin(ActionPermissionsMixin, admin.ModelAdmin):
    list_display = ("public_id", "amount_display", "status_display", "payment_method",
                    "customer_email", "created_at")
    list_filter = ("status", "currency", "payment_method",
                   ("created_at", admin.DateFieldListFilter))
    search_fields = ("public_id", "customer_email", "description", "idempotency_key",
                     "metadata_text")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) of the whole table on every page
    readonly_fields = (
        "public_id", "account", "amount_display", "received_display", "refunded_display",
        "status_display", "capture_method", "capture_before", "payment_method",
        "payment_method_id", "customer_email", "customer_id", "description",
        "metadata", "failure_reason", "idempotency_record", "cancelled_at",
        "cancellation_reason", "created_at", "updated_at", "statement_descriptor",
        "statement_descriptor_suffix", "shipping", "setup_future_usage", "return_url",
        "charges", "events",
    )
    fields = readonly_fields
    actions = ["cancel", "export_selected"]  # refunds.admin adds the refund action

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("account")
        return queryset.annotate(metadata_text=Cast("metadata", output_field=TextField()))

    def has_add_permission(self, request):
        return False  # payments are made through the API

    def has_change_permission(self, request, obj=None):
        return False  # money and status move only through the actions below

    def has_delete_permission(self, request, obj=None):
        return False

    # Each action needs its own permission; viewing payments is not enough to act on them.
    def has_cancel_permission(self, request):
        return request.user.has_perm("payments.cancel_payment")

    def has_export_permission(self, request):
        return request.user.has_perm("payments.export_payment")

    # --- columns and fields ---------------------------------------------------------------
    @admin.display(description="amount", ordering="amount_minor")
    def amount_display(self, payment):
        return format_display(payment.amount_minor, payment.currency)

    @admin.display(description="captured")
    def received_display(self, payment):
        return format_display(payment.amount_received_minor, payment.currency)

    @admin.display(description="refunded")
    def refunded_display(self, payment):
        return format_display(payment.refunded_minor, payment.currency)

    @admin.display(description="status", ordering="status")
    def status_display(self, payment):
        return status_badge(payment.status)

    @admin.display(description="idempotency key")
    def idempotency_record(self, payment):
        if not payment.idempotency_key:
            return "—"
        record = IdempotencyKey.objects.filter(account_id=payment.account_id,
                                               key=payment.idempotency_key).first()
        if record is None:
            return f"{payment.idempotency_key} (expired)"
        url = reverse("admin:api_idempotencykey_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, payment.idempotency_key)

    @admin.display(description="charges (one per confirmation, newest first)")
    def charges(self, payment):
        return table(("charge", "status", "amount", "captured", "card", "failure", "created"), [
            (charge.public_id, charge.status,
             format_display(charge.amount_minor, charge.currency),
             format_display(charge.amount_captured_minor, charge.currency),
             card_label(charge.card), charge.failure_reason,
             charge.created_at.strftime("%Y-%m-%d %H:%M:%S"))
            for charge in payment.charges.all()])

    @admin.display(description="events")
    def events(self, payment):
        return table(("event", "type", "created"), [
            ((reverse("admin:webhooks_app_event_change", args=[event.pk]), event.public_id),
             event.type, event.created_at.strftime("%Y-%m-%d %H:%M:%S"))
            for event in selectors.payment_events(payment=payment)])

    # --- actions: each goes through a service and is logged with the acting user ------------
    @permitted_action("cancel", description="Cancel selected payments")
    def cancel(self, request, queryset):
        for payment in queryset:
            try:
                services.payment_cancel(account=payment.account, payment_id=payment.public_id,
                                        reason=f"Cancelled by {request.user.get_username()}")
            except ServiceError as error:
                self.message_user(request, error.message, messages.ERROR)
                continue
            self.log_change(request, payment, "Cancelled.")
            # (Django's admin capitalizes the first letter of a message: no id goes first.)
            self.message_user(request, f"Payment {payment.public_id} cancelled.",
                              messages.SUCCESS)

    @permitted_action("export", description="Export selected payments as CSV")
    def export_selected(self, request, queryset):
        return self.csv_response(request, queryset, "selected rows")

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view),
                      name="payments_payment_export")
        return [export, *super().get_urls()]

    def export_view(self, request):
        """CSV of everything the change list shows with its current filters and search."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self.csv_response(request, changelist.get_queryset(request),
                                 "the list's filter and search")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def csv_response(self, request, queryset, what: str) -> StreamingHttpResponse:
        """Every export leaves a trace: who took how many payments (counted up front, as the
        change list counts its filtered rows; the file itself streams)."""
        logger.info("%s (user id %s) exported %d payments as CSV (%s)",
                    request.user.get_username(), request.user.pk, queryset.count(), what)
        return csv_response(queryset)


def spreadsheet_cell(value):
    """Text a spreadsheet would take for a formula gets a leading quote; numbers we write
    (amounts) are not text and stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def csv_response(queryset) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for p in queryset.iterator(chunk_size=2000):
            yield writer.writerow([spreadsheet_cell(value) for value in (
                p.public_id, p.created_at.isoformat(), p.status,
                to_major(p.amount_minor, p.currency), p.currency,
                to_major(p.refunded_minor, p.currency), p.payment_method, p.customer_email,
                p.description, p.failure_reason,
            )])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="payments.csv"'
    return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Made and changed through the API only: the admin shows them."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "email", "name", "account", "created_at")
    search_fields = ("public_id", "email", "name")
    list_select_related = ("account",)
    fields = readonly_fields = ("public_id", "account", "email", "name", "description",
                                "phone", "metadata", "default_card", "created_at",
                                "saved_cards", "setups")

    @admin.display(description="saved cards")
    def saved_cards(self, customer):
        return table(("payment method", "card", "expires", "created"), [
            ((reverse("admin:payments_card_change", args=[card.pk]), card.public_id),
             str(card), f"{card.exp_month:02d}/{card.exp_year}",
             card.created_at.strftime("%Y-%m-%d %H:%M:%S"))
            for card in customer.cards.all()])

    @admin.display(description="setups")
    def setups(self, customer):
        return table(("setup", "status", "card", "failure", "created"), [
            ((reverse("admin:payments_setup_change", args=[setup.pk]), setup.public_id),
             setup.status, str(setup.card) if setup.card else setup.method_id,
             setup.failure_reason, setup.created_at.strftime("%Y-%m-%d %H:%M:%S"))
            for setup in Setup.objects.filter(customer=customer).select_related("card")])


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "__str__", "customer", "account", "created_at")
    search_fields = ("public_id", "last4", "customer__public_id", "customer__email")
    list_filter = ("brand",)
    list_select_related = ("customer", "account")
    fields = readonly_fields = ("public_id", "account", "customer", "brand", "last4",
                                "exp_month", "exp_year", "funding", "country", "fingerprint",
                                "billing_details", "metadata", "created_at")


@admin.register(Setup)
class SetupAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "status", "customer", "card", "created_at")
    list_filter = ("status",)
    search_fields = ("public_id", "customer__public_id", "customer__email")
    list_select_related = ("customer", "card")
    fields = readonly_fields = ("public_id", "account", "customer", "status", "usage",
                                "method_id", "card", "failure_reason", "cancellation_reason",
                                "description", "metadata", "return_url", "created_at",
                                "updated_at")
