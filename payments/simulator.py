"""Test-mode outcomes: which payments the simulated processor declines, and why.

Seed 002's test payment methods decide first; otherwise seed 003's amount triggers apply,
judged by value in major units (so 113.00 USD and 113 JPY both end in "13.00").
"""

from decimal import Decimal

from core.errors import NotFound

SUCCESS_METHOD = "pm_test_success"
DECLINING_METHODS = {
    "pm_test_decline": "card_declined",
    "pm_test_insufficient_funds": "insufficient_funds",
    "pm_test_expired": "expired_card",
}
KNOWN_METHODS = {SUCCESS_METHOD, *DECLINING_METHODS}

HUNDRED = Decimal(100)


def check_payment_method_id(payment_method_id: str) -> None:
    """Only the test payment methods exist in this sandbox."""
    if payment_method_id and payment_method_id not in KNOWN_METHODS:
        raise NotFound(
            f"No such payment method: '{payment_method_id}'.", param="payment_method_id"
        )


def decline_reason(amount: Decimal, payment_method_id: str = "") -> str:
    """The failure reason for this charge, or '' when it succeeds."""
    if payment_method_id in DECLINING_METHODS:
        return DECLINING_METHODS[payment_method_id]
    remainder = amount % HUNDRED
    if remainder == Decimal("13.00"):
        return "card_declined"
    if remainder == Decimal("66.60"):
        return "insufficient_funds"
    if amount > 9000 and remainder == 0:
        return "amount_exceeds_limit"
    return ""
