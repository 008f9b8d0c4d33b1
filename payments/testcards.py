"""The test cards: what each test card number does when it is saved, charged or asked to
authenticate, and the names the sandbox gives them (test payment method ids and tokens).

The numbers, ids and tokens are the ones Stripe's documentation gives its test cards, so that
code and fixtures written for it behave the same here; the domain only reads this table.
A card is never a real card: its number is kept (to know its behaviour), never a real PAN.
"""

import hashlib
from dataclasses import dataclass

from core.errors import NotFound, UnprocessableRequest


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    decline: str = ""  # why a charge of it is declined ("": it is approved)
    declines_setup: bool = True  # its decline applies when it is saved too
    authentication: bool = False  # its issuer asks the cardholder to authenticate

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def fingerprint(self) -> str:
        """The same for every copy of the same card number, as a processor's would be."""
        return hashlib.sha256(f"sandbox-card:{self.number}".encode()).hexdigest()[:16]


_CARDS = [
    TestCard("4242424242424242", "visa"),
    TestCard("4000056655665556", "visa", funding="debit"),
    TestCard("5555555555554444", "mastercard"),
    TestCard("2223003122003222", "mastercard"),
    TestCard("5200828282828210", "mastercard", funding="debit"),
    TestCard("378282246310005", "amex"),
    TestCard("6011111111111117", "discover"),
    TestCard("4000000000000002", "visa", decline="card_declined"),
    TestCard("4000000000009995", "visa", decline="insufficient_funds"),
    TestCard("4000000000009987", "visa", decline="lost_card"),
    TestCard("4000000000009979", "visa", decline="stolen_card"),
    TestCard("4000000000000069", "visa", decline="expired_card"),
    TestCard("4000000000000127", "visa", decline="incorrect_cvc"),
    TestCard("4000000000000119", "visa", decline="processing_error"),
    TestCard("4100000000000019", "visa", decline="fraudulent"),
    TestCard("4000000000000341", "visa", decline="card_declined", declines_setup=False),
    TestCard("4000002500003155", "visa", authentication=True),
    TestCard("4000000000003220", "visa", authentication=True),
    TestCard("4000002760003184", "visa", authentication=True, decline="insufficient_funds",
             declines_setup=False),
]
TEST_CARDS: dict[str, TestCard] = {card.number: card for card in _CARDS}

# Test payment method ids: each stands for a test card wherever a method is named.
TEST_METHODS: dict[str, str] = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_mastercard_debit": "5200828282828210",
    "pm_card_amex": "378282246310005",
    "pm_card_discover": "6011111111111117",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedStolenCard": "4000000000009979",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_chargeDeclinedProcessingError": "4000000000000119",
    "pm_card_chargeDeclinedFraudulent": "4100000000000019",
    "pm_card_chargeCustomerFail": "4000000000000341",
    "pm_card_threeDSecure2Required": "4000000000003220",
    "pm_card_authenticationRequired": "4000002500003155",
    "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds": "4000002760003184",
}
# Card tokens: a card to make a payment method from.
TEST_TOKENS: dict[str, str] = {
    "tok_visa": "4242424242424242",
    "tok_visa_debit": "4000056655665556",
    "tok_mastercard": "5555555555554444",
    "tok_mastercard_debit": "5200828282828210",
    "tok_amex": "378282246310005",
    "tok_discover": "6011111111111117",
    "tok_chargeDeclined": "4000000000000002",
    "tok_chargeDeclinedInsufficientFunds": "4000000000009995",
    "tok_chargeDeclinedLostCard": "4000000000009987",
    "tok_chargeDeclinedStolenCard": "4000000000009979",
    "tok_chargeDeclinedExpiredCard": "4000000000000069",
    "tok_chargeDeclinedIncorrectCvc": "4000000000000127",
    "tok_chargeDeclinedProcessingError": "4000000000000119",
    "tok_chargeDeclinedFraudulent": "4100000000000019",
    "tok_chargeCustomerFail": "4000000000000341",
    "tok_threeDSecure2Required": "4000000000003220",
    "tok_authenticationRequired": "4000002500003155",
}


def by_number(number: str, *, param: str = "number") -> TestCard:
    digits = "".join(number.split())
    card = TEST_CARDS.get(digits)
    if card is None:
        raise UnprocessableRequest(
            "Your card number is incorrect: only the sandbox's test card numbers can be used "
            "(4242 4242 4242 4242 and the others of docs/test-cards.md).",
            code="incorrect_number", param=param)
    return card


def by_token(token: str) -> TestCard:
    if token not in TEST_TOKENS:
        raise NotFound("token", token, param="token", message=f"No such token: '{token}'")
    return TEST_CARDS[TEST_TOKENS[token]]


def of_test_method(method_id: str) -> TestCard | None:
    """The test card a test payment method id stands for, None if it names none."""
    number = TEST_METHODS.get(method_id)
    return TEST_CARDS[number] if number else None
