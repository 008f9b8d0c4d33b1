"""How big a number a request may carry, judged on its text before any arithmetic.

Every number of every surface (JSON numbers, and amounts written as strings) passes through
`judge`: at most `MAX_DIGITS` significant digits and a decimal exponent (of the number in
scientific notation) within ±`MAX_EXPONENT`. Anything else is refused in microseconds,
instead of a worker spending seconds or gigabytes expanding `1e999999` into digits.
"""

from decimal import Decimal, InvalidOperation

MAX_DIGITS = 40
MAX_EXPONENT = 40
# No acceptable number is written with more characters than this (sign, 40 digits, 40 zeros
# after the point, an exponent), so a longer text is refused before it is even converted.
MAX_LITERAL = 2 * MAX_DIGITS + 16
OUT_OF_RANGE_MESSAGE = (f"Numbers may have at most {MAX_DIGITS} significant digits and a "
                        f"decimal exponent within ±{MAX_EXPONENT}.")


class OutOfRange:
    """Stands in a parsed body for a number out of range: the field that receives it refuses
    it (422), and nothing ever computes with it. Keeps the literal text (bounded by the body's
    size) for idempotency fingerprints."""

    __slots__ = ("literal",)

    def __init__(self, literal: str):
        self.literal = literal

    def __repr__(self):
        return f"OutOfRange({self.literal[:20]!r})"


def judge_decimal(literal: str) -> Decimal | OutOfRange:
    """A decimal literal (`49.99`, `-1.5e3`) as a Decimal, if it is within bounds."""
    if len(literal) > MAX_LITERAL:
        return OutOfRange(literal)
    try:
        value = Decimal(literal)
    except InvalidOperation:
        return OutOfRange(literal)
    if value.is_finite() and (len(value.as_tuple().digits) > MAX_DIGITS
                              or abs(value.adjusted()) > MAX_EXPONENT):
        return OutOfRange(literal)
    return value


def judge_int(literal: str) -> int | OutOfRange:
    """An integer literal as an int, if it has at most `MAX_DIGITS` digits."""
    if len(literal.lstrip("-")) > MAX_DIGITS:
        return OutOfRange(literal)
    return int(literal)
