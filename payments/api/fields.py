"""Serializer fields shared by every API surface: strict types, exact money, seed timestamps."""

from datetime import UTC

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments import money


class StrictCharField(serializers.CharField):
    """A string and nothing else: numbers and booleans are type errors, not coerced."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """A choice given as a string; the error lists what would have been accepted."""

    default_error_messages = {"invalid_choice": "'{input}' is not one of: {choices}."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=data, choices=", ".join(self.choices))
        return self.choice_strings_to_values[data]


@extend_schema_field({"type": "number", "format": "decimal", "example": 49.99})
class AmountField(serializers.Field):
    """A JSON number in major units, parsed as Decimal (never float).

    Currency-dependent checks (precision, limits) happen in the serializer's `validate`,
    through `payments.money`, once the currency is known.
    """

    def to_internal_value(self, data):
        try:
            return money.parse_amount(data)
        except money.MoneyError as exc:
            raise serializers.ValidationError(str(exc), code=exc.code) from None


class CurrencyField(StrictChoiceField):
    default_error_messages = {"invalid_choice": "'{input}' is not a supported currency."}

    def __init__(self, **kwargs):
        super().__init__(choices=money.CURRENCY_CHOICES, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "maxLength": 500},
        "maxProperties": 20,
        "example": {"order_id": "12345"},
    }
)
class MetadataField(serializers.Field):
    """Up to 20 string key-value pairs (keys up to 40 characters, values up to 500)."""

    MAX_KEYS = 20

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Metadata must be an object.", code="invalid_type")
        if len(data) > self.MAX_KEYS:
            raise serializers.ValidationError(
                f"Metadata can have at most {self.MAX_KEYS} keys.", code="too_many_keys"
            )
        for key, value in data.items():
            if not key or len(key) > 40:
                raise serializers.ValidationError(
                    "Metadata keys must be 1-40 characters.", code="invalid_key"
                )
            if not isinstance(value, str) or len(value) > 500:
                raise serializers.ValidationError(
                    f"Metadata value of '{key}' must be a string of at most 500 characters.",
                    code="invalid_value",
                )
        return data

    def to_representation(self, value):
        return value


def validate_amount_for_currency(attrs: dict, *, check_limits: bool = True) -> dict:
    """Replace `amount` (Decimal, major units) by `amount_minor` for `attrs['currency']`."""
    try:
        currency = money.get_currency(attrs["currency"])
        minor = money.to_minor(attrs["amount"], currency)
        if check_limits:
            money.check_limits(minor, currency)
    except money.MoneyError as exc:
        raise serializers.ValidationError({"amount": [exc.args[0]]}, code=exc.code) from None
    attrs = dict(attrs)
    attrs["amount"] = minor
    return attrs


@extend_schema_field(OpenApiTypes.NUMBER)
class MoneyOutField(serializers.Field):
    """Minor units rendered as a JSON number with exactly the currency's digits."""

    def __init__(self, attribute: str, **kwargs):
        self.attribute = attribute
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return money.to_major(getattr(obj, self.attribute), obj.currency)


def iso(value, timespec: str = "microseconds") -> str | None:
    """A UTC time as seed 003 prints it: `2025-01-15T10:30:00.000000+00:00`."""
    return value.astimezone(UTC).isoformat(timespec=timespec) if value else None


@extend_schema_field(OpenApiTypes.DATETIME)
class TimestampField(serializers.Field):
    """A UTC time as each seed prints it: `/v1` `2025-01-15T10:30:00.000000+00:00` (default),
    devdraft `2023-07-01T12:00:00.000Z`, UQPay `2024-03-01T00:00:00+00:00`."""

    def __init__(self, *, timespec: str = "microseconds", zulu: bool = False, **kwargs):
        self.timespec = timespec
        self.zulu = zulu
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        text = value.astimezone(UTC).isoformat(timespec=self.timespec)
        return text.replace("+00:00", "Z") if self.zulu else text


@extend_schema_field({"type": "string", "nullable": True})
class BlankAsNullField(serializers.Field):
    """Optional text stored as '' and rendered as null, as the seeds show absent values."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None
