from decimal import Decimal

import pytest

from payments import money


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("49.99", "USD", 4999), ("100", "USD", 10000), ("1500", "JPY", 1500),
     ("1500.00", "JPY", 1500), ("0.30", "GBP", 30), ("999999.99", "EUR", 99999999)],
)
def test_to_minor_judges_precision_by_value(amount, currency, minor):
    assert money.to_minor(Decimal(amount), money.get_currency(currency)) == minor


@pytest.mark.parametrize(
    ("amount", "currency"), [("1500.5", "JPY"), ("49.999", "USD"), ("0.001", "EUR")]
)
def test_to_minor_refuses_more_digits_than_the_currency_has(amount, currency):
    with pytest.raises(money.MoneyError) as excinfo:
        money.to_minor(Decimal(amount), money.get_currency(currency))
    assert excinfo.value.code == "invalid_precision"


@pytest.mark.parametrize("amount", ["0", "-1", "-0.01"])
def test_to_minor_refuses_zero_and_negative(amount):
    with pytest.raises(money.MoneyError):
        money.to_minor(Decimal(amount), money.get_currency("USD"))


@pytest.mark.parametrize(
    ("minor", "currency", "code"),
    [(49, "USD", "amount_too_small"), (29, "GBP", "amount_too_small"),
     (49, "JPY", "amount_too_small"), (100000000, "USD", "amount_too_large"),
     (100000000, "JPY", "amount_too_large")],
)
def test_limits_per_currency(minor, currency, code):
    with pytest.raises(money.MoneyError) as excinfo:
        money.check_limits(minor, money.get_currency(currency))
    assert excinfo.value.code == code


@pytest.mark.parametrize(("minor", "currency"), [(50, "USD"), (30, "GBP"), (50, "JPY"),
                                                 (99999999, "JPY"), (99999999, "INR")])
def test_limits_are_inclusive(minor, currency):
    money.check_limits(minor, money.get_currency(currency))


@pytest.mark.parametrize("value", ["49.99", True, None, [1], {"a": 1}, 4.5])
def test_parse_amount_accepts_only_json_numbers_as_decimal(value):
    with pytest.raises(money.MoneyError):
        money.parse_amount(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Inf"), Decimal("-Inf")])
def test_parse_amount_refuses_non_finite(value):
    with pytest.raises(money.MoneyError):
        money.parse_amount(value)


def test_to_major_prints_exactly_the_currencys_digits():
    assert str(money.to_major(10000, "USD")) == "100.00"
    assert str(money.to_major(5, "EUR")) == "0.05"
    assert str(money.to_major(1500, "JPY")) == "1500"


def test_unknown_currency():
    with pytest.raises(money.MoneyError) as excinfo:
        money.get_currency("XYZ")
    assert "'XYZ' is not a supported currency." in str(excinfo.value)
