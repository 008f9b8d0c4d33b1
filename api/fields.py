"""Serializer fields shared by the JSON formats: strict types, metadata and timestamps."""

from datetime import UTC

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string and nothing else: numbers and booleans are type errors, not coerced."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not a string, boolean or float that happens to be whole."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false: not "yes", 1 or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictChoiceField(serializers.ChoiceField):
    """A choice given as a string; the error lists what would have been accepted."""

    default_error_messages = {"invalid_choice": "'{input}' is not one of: {choices}."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=data, choices=", ".join(self.choices))
        return self.choice_strings_to_values[data]


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
            if not key or len(key) > 40 or "\x00" in key:
                raise serializers.ValidationError(
                    "Metadata keys must be 1-40 characters (no NUL).", code="invalid_key"
                )
            if not isinstance(value, str) or len(value) > 500 or "\x00" in value:
                raise serializers.ValidationError(
                    f"Metadata value of '{key}' must be a string of at most 500 characters "
                    "(no NUL).",
                    code="invalid_value",
                )
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.DATETIME)
class TimestampField(serializers.Field):
    """A UTC time as each format prints it: `/v1` `2025-01-15T10:30:00.000000+00:00` (default),
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
    """Optional text stored as '' and rendered as null, as the formats show absent values."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None
