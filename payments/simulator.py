"""Test-mode outcomes: which payments the simulated processor declines, and why.

The test payment methods decide first: the `/v1` API's (`pm_test_*`), and the test cards
(`pm_card_*`, the ids Stripe's documentation gives its test cards), which decide alone (the
amount triggers do not apply to them). Otherwise the amount triggers apply, judged by value
in major units (so 113.00 USD and 113 JPY both end in "13.00"). Every method is known on
every format.
"""

from decimal import Decimal

from core.errors import NotFound

SUCCESS_METHOD = "pm_test_success"
DECLINING_METHODS = {
    "pm_test_decline": "card_declined",
    "pm_test_insufficient_funds": "insufficient_funds",
    "pm_test_expired": "expired_card",
}
# The test cards: the card each stands for (brand, last four digits of its test card number)
# and, for the declining ones, the failure reason.
TEST_CARDS = {
    "pm_card_visa": ("visa", "4242"),
    "pm_card_mastercard": ("mastercard", "4444"),
    "pm_card_amex": ("amex", "8431"),
    "pm_card_chargeDeclined": ("visa", "0002"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995"),
    "pm_card_chargeDeclinedExpiredCard": ("visa", "0069"),
    "pm_card_chargeDeclinedIncorrectCvc": ("visa", "0127"),
    "pm_card_chargeDeclinedProcessingError": ("visa", "0119"),
}
DECLINING_CARDS = {
    "pm_card_chargeDeclined": "card_declined",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard": "expired_card",
    "pm_card_chargeDeclinedIncorrectCvc": "incorrect_cvc",
    "pm_card_chargeDeclinedProcessingError": "processing_error",
}
KNOWN_METHODS = {SUCCESS_METHOD, *DECLINING_METHODS, *TEST_CARDS}

HUNDRED = Decimal(100)


def check_payment_method_id(payment_method_id: str) -> None:
    """Only the test payment methods exist in this sandbox."""
    if payment_method_id and payment_method_id not in KNOWN_METHODS:
        raise NotFound("payment method", payment_method_id, param="payment_method_id",
                       message=f"No such payment method: '{payment_method_id}'.")


def card_of(payment_method_id: str) -> tuple[str, str]:
    """(brand, last four digits) of the card a test payment method stands for."""
    return TEST_CARDS.get(payment_method_id, ("visa", "4242"))


def decline_reason(amount: Decimal, payment_method_id: str = "") -> str:
    """The failure reason for this charge, or '' when it succeeds."""
    if payment_method_id in TEST_CARDS:
        return DECLINING_CARDS.get(payment_method_id, "")
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
