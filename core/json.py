"""JSON that keeps money exact: numbers are parsed as Decimal and written digit for digit."""

from decimal import Decimal

import simplejson


def _parse_constant(name: str) -> Decimal:
    # NaN and Infinity are not JSON, but some clients send them; they reach the field
    # validation (422 on amounts) instead of failing the whole body.
    return Decimal(name.replace("Infinity", "Inf"))


def loads(raw: bytes | str, **number_hooks):
    """Parse JSON; numbers become Decimal, or what `parse_float`/`parse_int` hooks make of
    their literal text."""
    number_hooks.setdefault("parse_float", Decimal)
    return simplejson.loads(raw, parse_constant=_parse_constant, **number_hooks)


def dumps(data, *, default=None, indent: int | None = None) -> bytes:
    """UTF-8 JSON, compact unless `indent` (spaces a level); `default` renders what JSON has
    no type for."""
    return simplejson.dumps(
        data, use_decimal=True, default=default, indent=indent, ensure_ascii=False,
        separators=(",", ":") if indent is None else (",", ": "),
    ).encode()
