"""Test-mode outcomes: which charges the simulated processor declines, and why.

A payment method decides first: a test card (`payments.testcards`: named by its number, a token,
a test payment method id, or saved for a customer) by what its number does; the `/v1` API's
test methods (`pm_test_*`) by their names. Otherwise the amount triggers apply, judged by
value in major units (so 113.00 USD and 113 JPY both end in "13.00"). Every method is known
on every format.
"""

from dataclasses import dataclass
from decimal import Decimal

from payments.testcards import TestCard

SUCCESS_METHOD = "pm_test_success"
DECLINING_METHODS = {
    "pm_test_decline": "card_declined",
    "pm_test_insufficient_funds": "insufficient_funds",
    "pm_test_expired": "expired_card",
}
TEST_METHODS = frozenset({SUCCESS_METHOD, *DECLINING_METHODS})
# A card whose issuer asks for authentication, charged without the cardholder present.
AUTHENTICATION_REQUIRED = "authentication_required"

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Attempt:
    """What is charged: the amount (major units), the method's id and its test card (None
    for the `/v1` test methods and for none), and whether the cardholder is absent."""

    amount: Decimal
    method_id: str = ""
    card: TestCard | None = None
    off_session: bool = False


def decline_reason(attempt: Attempt) -> str:
    """The failure reason of this charge, or '' when it is approved."""
    if attempt.card is not None:
        if attempt.card.authentication and attempt.off_session:
            return AUTHENTICATION_REQUIRED
        return attempt.card.decline
    if attempt.method_id in DECLINING_METHODS:
        return DECLINING_METHODS[attempt.method_id]
    remainder = attempt.amount % HUNDRED
    if remainder == Decimal("13.00"):
        return "card_declined"
    if remainder == Decimal("66.60"):
        return "insufficient_funds"
    if attempt.amount > 9000 and remainder == 0:
        return "amount_exceeds_limit"
    return ""


def setup_decline_reason(card: TestCard) -> str:
    """Why saving the card fails ('' when it is saved): its decline, unless its issuer
    declines only charges."""
    return card.decline if card.declines_setup else ""
