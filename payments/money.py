"""Money rules: currencies, their precision and limits, and minor-unit conversion.

Amounts cross the wire in major units (`49.99`) and are stored as integer minor units
(`4999`). This module is the only place that converts between the two, so no other code
rounds or scales an amount. No float is ever involved.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class MoneyError(ValueError):
    """An amount that is not acceptable for its currency; the message says why."""

    def __init__(self, message: str, code: str = "invalid_amount"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int
    minimum: int  # minor units
    maximum: int  # minor units

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.exponent)


def _currency(code: str, exponent: int, minimum: str, maximum: str) -> Currency:
    scale = 10**exponent
    return Currency(code, exponent, int(Decimal(minimum) * scale), int(Decimal(maximum) * scale))


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        _currency("USD", 2, "0.50", "999999.99"),
        _currency("EUR", 2, "0.50", "999999.99"),
        _currency("GBP", 2, "0.30", "999999.99"),
        _currency("JPY", 0, "50", "99999999"),
        _currency("CAD", 2, "0.50", "999999.99"),
        _currency("AUD", 2, "0.50", "999999.99"),
        _currency("INR", 2, "0.50", "999999.99"),
    )
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


def get_currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except (KeyError, TypeError):
        raise MoneyError(f"'{code}' is not a supported currency.", "invalid_currency") from None


def parse_amount(value) -> Decimal:
    """A JSON number as a finite Decimal; strings, booleans and null are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise MoneyError("Amount must be a JSON number.", "invalid_type")
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - Decimal(int) cannot fail
        raise MoneyError("Amount must be a number.", "invalid_type") from None
    if not amount.is_finite():
        raise MoneyError("Amount must be a finite number.", "invalid_type")
    return amount


def to_minor(amount: Decimal, currency: Currency) -> int:
    """Major units to minor units, refusing more digits than the currency has."""
    if amount <= 0:
        raise MoneyError("Amount must be greater than zero.")
    scaled = amount.scaleb(currency.exponent)
    if scaled != scaled.to_integral_value():
        places = f"at most {currency.exponent}" if currency.exponent else "no"
        raise MoneyError(
            f"{currency.code} amounts have {places} decimal places.", "invalid_precision"
        )
    return int(scaled)


def check_limits(minor: int, currency: Currency) -> None:
    """Per-currency charge limits (refunds are bounded by their payment instead)."""
    if minor < currency.minimum:
        raise MoneyError(
            f"Amount must be at least {format_major(currency.minimum, currency.code)} "
            f"{currency.code}.",
            "amount_too_small",
        )
    if minor > currency.maximum:
        raise MoneyError(
            f"Amount must be at most {format_major(currency.maximum, currency.code)} "
            f"{currency.code}.",
            "amount_too_large",
        )


def to_major(minor: int, currency_code: str) -> Decimal:
    """Minor units to a Decimal with exactly the currency's digits (4999 USD -> 49.99)."""
    currency = CURRENCIES[currency_code]
    return Decimal(minor).scaleb(-currency.exponent).quantize(currency.quantum)


def format_major(minor: int, currency_code: str) -> str:
    return str(to_major(minor, currency_code))


def format_display(minor: int, currency_code: str) -> str:
    """For people: thousands separators and the code, `1,234.56 USD`, `1,500 JPY`."""
    return f"{to_major(minor, currency_code):,} {currency_code}"
