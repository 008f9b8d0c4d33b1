"""Money round-trips exactly, for every currency, and never touches a float."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core import json
from payments import money

CURRENCIES = sorted(money.CURRENCIES.values(), key=lambda c: c.code)


@st.composite
def currency_and_minor(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    return currency, draw(st.integers(currency.minimum, currency.maximum))


@given(currency_and_minor())
def test_minor_to_major_and_back_is_exact(pair):
    currency, minor = pair
    major = money.to_major(minor, currency.code)
    assert isinstance(major, Decimal)
    assert money.to_minor(major, currency) == minor
    money.check_limits(minor, currency)


@given(currency_and_minor())
def test_rendered_amounts_have_exactly_the_currencys_digits(pair):
    currency, minor = pair
    text = json.dumps({"amount": money.to_major(minor, currency.code)}).decode()
    number = text.split(":")[1].rstrip("}")
    digits = number.split(".")[1] if "." in number else ""
    assert len(digits) == currency.exponent


@given(currency_and_minor())
def test_json_round_trip_parses_decimals_not_floats(pair):
    currency, minor = pair
    wire = json.dumps({"amount": money.to_major(minor, currency.code)})
    parsed = json.loads(wire)["amount"]
    assert type(parsed) in (Decimal, int)
    assert money.to_minor(money.parse_amount(parsed), currency) == minor


@given(st.sampled_from(CURRENCIES), st.integers(1, 10**9), st.integers(1, 4))
def test_more_digits_than_the_currency_has_are_refused(currency, units, extra):
    value = Decimal(units).scaleb(-(currency.exponent + extra))
    if value == value.quantize(currency.quantum):
        return  # trailing zeros: the value itself has no extra digit
    try:
        money.to_minor(value, currency)
    except money.MoneyError as exc:
        assert exc.code == "invalid_precision"
    else:
        raise AssertionError(f"{value} {currency.code} was accepted")


@given(st.sampled_from(CURRENCIES), st.integers(1, 10**12))
def test_trailing_zeros_do_not_matter(currency, minor):
    major = str(money.to_major(minor, currency.code))
    padded = f"{major}000" if "." in major else f"{major}.000"
    assert money.to_minor(Decimal(padded), currency) == minor
