"""Realistic test volume for the admin and the benchmarks, written in bulk.

Rows are built to be what the services would have produced (statuses reached through the
state machine's legal paths, refund rows adding up to each payment's refunded amount), but
inserted in batches: seeding a million payments one service call at a time would take hours.
No events are emitted for seeded payments. It lives in `refunds`, the app that may import
both payments and refunds, because it writes both.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from payments.models import Payment, PaymentMethod, PaymentStatus
from payments.money import CURRENCIES
from refunds.models import Refund, RefundReason, RefundStatus

CURRENCY_WEIGHTS = {"USD": 50, "EUR": 20, "GBP": 10, "JPY": 8, "CAD": 5, "AUD": 4, "INR": 3}
METHOD_WEIGHTS = {PaymentMethod.CARD: 70, PaymentMethod.WALLET: 15,
                  PaymentMethod.BANK_TRANSFER: 10, PaymentMethod.CRYPTO: 5}
DECLINES = ["card_declined", "insufficient_funds", "expired_card", "amount_exceeds_limit"]
BATCH = 5000


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _amount_minor(rng: random.Random, currency: str) -> int:
    """Mostly small baskets, a long tail of large ones, within the currency's limits."""
    limits = CURRENCIES[currency]
    major = min(rng.lognormvariate(3.5, 1.1), 20_000)
    minor = int(major * (100 if currency == "JPY" else 1) * 10**limits.exponent)
    return max(limits.minimum, min(limits.maximum, minor))


def _payment(rng: random.Random, account: Account, now, days: int, n: int):
    created = now - timedelta(seconds=rng.uniform(0, days * 86400))
    currency = _pick(rng, CURRENCY_WEIGHTS)
    method = _pick(rng, METHOD_WEIGHTS)
    payment = Payment(
        account=account, amount_minor=_amount_minor(rng, currency), currency=currency,
        payment_method=method, customer_email=f"customer{n % 5000}@example.com",
        description=f"Order #{100000 + n}", metadata={"order_id": str(100000 + n)},
        created_at=created, updated_at=created, status=PaymentStatus.COMPLETED,
    )
    roll = rng.random()
    settles_later = method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.CRYPTO)
    if roll < 0.05:
        payment.status, payment.failure_reason = PaymentStatus.FAILED, rng.choice(DECLINES)
    elif settles_later and now - created < timedelta(seconds=settings.SETTLEMENT_DELAY_SECONDS):
        payment.status = PaymentStatus.PENDING
    elif settles_later and roll < 0.08:
        payment.status, payment.cancelled_at = PaymentStatus.CANCELLED, created
        payment.cancellation_reason = "Customer changed their mind"
    refunds = []
    if payment.status == PaymentStatus.COMPLETED:
        payment.amount_received_minor = payment.amount_minor
    if payment.status == PaymentStatus.COMPLETED and roll > 0.87:
        full = roll > 0.95
        amount_minor = (payment.amount_minor if full
                        else max(1, payment.amount_minor // rng.randint(2, 5)))
        payment.refunded_minor = amount_minor
        payment.status = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
        refunds.append(Refund(
            payment=payment, amount_minor=amount_minor, currency=currency,
            status=RefundStatus.COMPLETED,
            reason=rng.choice(RefundReason.values), created_at=created + timedelta(days=1),
        ))
    return payment, refunds


def payments_bulk_seed(*, account: Account, count: int, days: int = 30, seed: int = 7) -> int:
    rng = random.Random(seed)
    now = timezone.now()
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            pairs = [_payment(rng, account, now, days, made + i) for i in range(size)]
            Payment.objects.bulk_create([payment for payment, _ in pairs])
            Refund.objects.bulk_create([r for _, refunds in pairs for r in refunds])
        made += size
    return made
