"""Figures for the admin index: volume over the last 30 days, by status and by currency.

Each payment is dated by its account's clock (`created_at`); an account whose sandbox clock
was advanced would otherwise show payments "in the future". So the days are counted back
from each account's own now: a payment made today on a clock ten days ahead is in today's
bar, as on an account whose clock was never moved (`core.clock.WallTime`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.clock import WallTime
from payments.models import Payment, PaymentStatus
from payments.money import format_display

DAYS = 30
LEGEND_PER_ROW = 6
CAPTURED = (PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)
# Stacking order and colours of the chart (bottom first).
SERIES = [
    (PaymentStatus.COMPLETED, "#2f855a"),
    (PaymentStatus.PARTIALLY_REFUNDED, "#2b6cb0"),
    (PaymentStatus.REFUNDED, "#553c9a"),
    (PaymentStatus.AUTHORIZED, "#319795"),
    (PaymentStatus.PENDING, "#d69e2e"),
    (PaymentStatus.PROCESSING, "#ecc94b"),
    (PaymentStatus.REQUIRES_CONFIRMATION, "#718096"),
    (PaymentStatus.REQUIRES_ACTION, "#805ad5"),
    (PaymentStatus.CANCELLED, "#a0aec0"),
    (PaymentStatus.FAILED, "#c53030"),
]


@dataclass
class CurrencyVolume:
    currency: str
    payments: int
    captured: str
    refunded: str
    refund_rate: str


def _by_wall_time():
    return Payment.objects.alias(
        created_wall=WallTime("created_at", "account__clock_offset_seconds"))


def daily_counts(days: int = DAYS) -> tuple[list[date], dict[date, dict[str, int]]]:
    today = timezone.now().date()
    first = today - timedelta(days=days - 1)
    rows = (
        _by_wall_time().filter(created_wall__date__gte=first, created_wall__date__lte=today)
        .annotate(day=TruncDate("created_wall"))
        .values("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[date, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["day"], {})[row["status"]] = row["n"]
    return [first + timedelta(days=i) for i in range(days)], counts


def currency_volumes(days: int = DAYS) -> list[CurrencyVolume]:
    first = timezone.now().date() - timedelta(days=days - 1)
    rows = (
        _by_wall_time().filter(created_wall__date__gte=first)
        .values("currency")
        .annotate(
            payments=Count("id"),
            captured=Sum("amount_received_minor", filter=Q(status__in=CAPTURED), default=0),
            refunded=Sum("refunded_minor", default=0),
        )
        .order_by("currency")
    )
    return [
        CurrencyVolume(
            currency=row["currency"], payments=row["payments"],
            captured=format_display(row["captured"], row["currency"]),
            refunded=format_display(row["refunded"], row["currency"]),
            refund_rate=f"{row['refunded'] / row['captured']:.1%}" if row["captured"] else "—",
        )
        for row in rows
    ]


def svg_chart(days: list[date], counts: dict[date, dict[str, int]]) -> SafeString:
    """A stacked bar chart drawn here, as SVG: no script, no external host."""
    width, height, left, bottom, top = 760, 240, 40, 30, 10
    legend_rows = -(-len(SERIES) // LEGEND_PER_ROW)
    plot_height = height - bottom - top
    totals = [sum(counts.get(day, {}).values()) for day in days]
    peak = max(totals + [1])
    slot = (width - left) / len(days)
    bar = slot * 0.7
    parts = [
        f'<svg id="payments-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height + 10 + 14 * legend_rows}" width="100%" '
        f'style="max-width:{width}px" '
        'role="img" aria-label="Payments per day by status">',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" font-size="10">0</text>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width}" y2="{top + plot_height}" '
        'stroke="#cbd5e0"/>',
    ]
    for index, day in enumerate(days):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_height
        for status, colour in SERIES:
            n = counts.get(day, {}).get(status, 0)
            if not n:
                continue
            h = plot_height * n / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{day:%b %d}: {n} {escape(status)}</title></rect>'
            )
        if index % 5 == 0 or index == len(days) - 1:
            last = index == len(days) - 1
            parts.append(
                f'<text x="{x + (bar if last else bar / 2):.1f}" y="{height - bottom + 14}" '
                f'text-anchor="{"end" if last else "middle"}" font-size="10">{day:%b %d}</text>'
            )
    for index, (status, colour) in enumerate(SERIES):
        x = left + index % LEGEND_PER_ROW * 120
        y = height + 8 + index // LEGEND_PER_ROW * 14
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y + 9}" font-size="10">'
            f'{escape(status.replace("_", " "))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # built only from numbers, dates and our status names
