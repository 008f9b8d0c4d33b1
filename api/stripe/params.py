"""Stripe's parameters: the one base serializer of every `/stripe/v1` body and query string,
and the fields Stripe's parameters share.

Form values arrive as strings (bracket notation, `api.stripe.forms`), so the fields convert
them; a parameter the operation does not know is refused (400 `parameter_unknown`), not
ignored, in the body and in the query string alike.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from api.json import parse_body
from core.errors import ServiceError

# Every operation takes `expand` (in the body, or in the query string as the SDKs send it on
# a GET).
ALWAYS_ACCEPTED = frozenset({"expand"})
METADATA_KEYS = 50
METADATA_KEY_CHARS = 40
METADATA_VALUE_CHARS = 500


class InvalidParameter(ServiceError):
    """A parameter Stripe would refuse as it is worded here (400 `invalid_request_error`):
    an expansion, a list filter, a search query or page."""

    status = 400
    code = "parameter_invalid"


def unknown_parameter(name: str) -> serializers.ValidationError:
    return serializers.ValidationError(
        {name: [serializers.ErrorDetail(f"Received unknown parameter: {name}",
                                        code="parameter_unknown")]})


class StripeParams(serializers.Serializer):
    """A `/stripe/v1` body: the fields it declares and `expand`; anything else is refused."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - ALWAYS_ACCEPTED)
            if unknown:
                raise unknown_parameter(unknown[0])
        return super().to_internal_value(data)


class FormBooleanField(serializers.BooleanField):
    """`true` or `false`: as a form sends them (strings) or as JSON does."""

    default_error_messages = {"invalid": "Invalid boolean: {input}"}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid", input=str(data)[:100])


@extend_schema_field({
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": METADATA_VALUE_CHARS},
    "maxProperties": METADATA_KEYS,
    "example": {"order_id": "42"},
})
class MetadataField(serializers.Field):
    """Stripe's metadata: up to 50 string pairs (keys up to 40 characters, values up to 500;
    numbers are taken as their text). On an update a value "" removes its key and, with
    `allow_clear`, `metadata=""` removes every key (`core.metadata.merge`). Besides bracket
    notation (`metadata[k]=v`), a JSON object in one form field is taken: what Swagger UI
    sends for an object in a form."""

    def __init__(self, *, allow_clear: bool = False, **kwargs):
        self.allow_clear = allow_clear
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if data == "" and self.allow_clear:
            return ""
        if isinstance(data, str) and data.startswith("{") and len(data) <= 64 * 1024:
            try:
                data = parse_body(data)
            except ParseError:
                pass  # refused below as not an object
        if not isinstance(data, dict):
            raise serializers.ValidationError("Invalid hash", code="invalid")
        if len(data) > METADATA_KEYS:
            raise serializers.ValidationError(
                f"Metadata can have at most {METADATA_KEYS} keys.", code="invalid")
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise serializers.ValidationError(
                    f"Values are strings: metadata[{key[:40]}] holds an object or a list "
                    "(nested metadata is not supported).", code="invalid")
            if not key or len(key) > METADATA_KEY_CHARS or "\x00" in key:
                raise serializers.ValidationError(
                    f"Metadata keys can be up to {METADATA_KEY_CHARS} characters long.",
                    code="invalid")
            if len(value) > METADATA_VALUE_CHARS or "\x00" in value:
                raise serializers.ValidationError(
                    f"Metadata values can be up to {METADATA_VALUE_CHARS} characters long.",
                    code="invalid")
            cleaned[key] = value
        return cleaned

    def to_representation(self, value):
        return value


def expand_of(data) -> set[str]:
    """What `expand[]` asks for (Stripe's expansion of related objects)."""
    expand = data.get("expand") if hasattr(data, "get") else None
    if isinstance(expand, str):
        expand = [expand]
    return {item for item in expand or [] if isinstance(item, str)}
