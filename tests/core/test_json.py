"""`core.json`: money stays exact through JSON: numbers parse as Decimal and are written digit
for digit, compact and in UTF-8."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import simplejson

from core import json


def test_numbers_with_a_fraction_parse_as_exact_decimals():
    parsed = json.loads('{"amount": 49.99, "tiny": 0.1, "exp": 4.999e1}')
    assert parsed == {"amount": Decimal("49.99"), "tiny": Decimal("0.1"),
                      "exp": Decimal("49.99")}
    assert all(isinstance(value, Decimal) for value in parsed.values())
    assert json.loads("1.10") == Decimal("1.10") and str(json.loads("1.10")) == "1.10"


def test_integers_stay_integers_and_bytes_are_accepted():
    assert json.loads(b'{"n": 1500}') == {"n": 1500}
    assert type(json.loads("1500")) is int


def test_number_hooks_see_the_literal_text():
    assert json.loads('{"a": 1.50, "b": 2}', parse_float=str, parse_int=str) == {
        "a": "1.50", "b": "2"}


@pytest.mark.parametrize(("text", "value"), [("NaN", "NaN"), ("Infinity", "Infinity"),
                                             ("-Infinity", "-Infinity")])
def test_nan_and_infinity_reach_validation_as_decimals(text, value):
    """Not JSON, but some clients send them: the amount validation refuses them (a 422),
    the parser does not fail the whole body."""
    parsed = json.loads(f'{{"amount": {text}}}')["amount"]
    assert isinstance(parsed, Decimal) and str(parsed) == value


def test_malformed_json_is_an_error():
    with pytest.raises(simplejson.JSONDecodeError):
        json.loads("{nope")


def test_dumps_is_compact_utf8_with_decimals_digit_for_digit():
    data = {"amount": Decimal("49.990"), "yen": Decimal("1500"), "name": "Zoë", "n": [1, None]}
    assert json.dumps(data) == '{"amount":49.990,"yen":1500,"name":"Zoë","n":[1,null]}'.encode()


def test_a_round_trip_keeps_every_digit():
    text = b'{"amount":1500.00,"fee":0.001,"price":49.990,"units":3}'
    assert json.dumps(json.loads(text)) == text


def test_default_renders_what_json_has_no_type_for():
    when = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)
    assert json.dumps({"at": when}, default=datetime.isoformat) == (
        b'{"at":"2025-01-15T10:30:00+00:00"}')
    with pytest.raises(TypeError):
        json.dumps({"at": when})
