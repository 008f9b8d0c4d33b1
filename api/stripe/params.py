"""Stripe's parameters: the one base serializer of every `/stripe/v1` body and query string,
and the fields Stripe's parameters share.

Form values arrive as strings (bracket notation, `api.stripe.forms`), so the fields convert
them; a parameter the operation does not know is refused (400 `parameter_unknown`), not
ignored, in the body and in the query string alike.
"""

from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
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
    """A `/stripe/v1` body: its fields and `expand`; anything else is 400 `parameter_unknown`."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - ALWAYS_ACCEPTED)
            if unknown:
                raise unknown_parameter(unknown[0])
        return super().to_internal_value(data)


class StripeParamsSchema(OpenApiSerializerExtension):
    """A `/stripe/v1` body in the schema says what `StripeParams` does: no parameter but its
    own (`additionalProperties: false`; `expand`, which any operation takes, is named in its
    description)."""

    target_class = StripeParams
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class FormBooleanField(serializers.BooleanField):
    """`true` or `false`: as a form sends them (strings) or as JSON does."""

    default_error_messages = {"invalid": "Invalid boolean: {input}"}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid", input=str(data)[:100])


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
        if data == "":  # an empty value unsets: every key on an update, none to set on a create
            return "" if self.allow_clear else {}
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


METADATA_EXAMPLE = {"order_id": "42"}
# What a JSON object of metadata can be written as, without escapes: the pattern of the one
# form field that holds it (`metadata={"order_id":"42"}`). Each key 1-40 characters, each value
# up to 500, at most 50 pairs; no `"`, `\` or control character (JSON escapes them).
_JSON_CHARACTER = r'[^"\\\u0000-\u001f]'
_PAIR = (f'"{_JSON_CHARACTER}{{1,{METADATA_KEY_CHARS}}}":'
         f'"{_JSON_CHARACTER}{{0,{METADATA_VALUE_CHARS}}}"')
METADATA_JSON = f"\\{{({_PAIR}(,{_PAIR}){{0,{METADATA_KEYS - 1}}})?\\}}"


class MetadataFieldSchema(OpenApiSerializerFieldExtension):
    """Metadata in the schema: an object of up to 50 strings (or, with `allow_clear`, "" to
    remove every key). In a form body (`api.stripe.schema`) it is one field holding the
    object as JSON."""

    target_class = MetadataField

    def map_serializer_field(self, auto_schema, direction):
        schema = {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": METADATA_VALUE_CHARS},
            "maxProperties": METADATA_KEYS,
            "example": METADATA_EXAMPLE,
        }
        if self.target.allow_clear:
            return {"oneOf": [schema, {"type": "string", "maxLength": 0}],
                    "description": '"" removes every key.'}
        return schema


def metadata_form_schema(clearable: bool) -> dict:
    """Metadata as one form field: the object as compact JSON ("" too when `clearable`)."""
    pattern = f"^(|{METADATA_JSON})$" if clearable else f"^{METADATA_JSON}$"
    return {
        "type": "string",
        "pattern": pattern,
        "example": '{"order_id":"42"}',
        "description": "Up to 50 string pairs (keys 1-40 characters, values up to 500), as a "
        'JSON object in one field: `metadata={"order_id":"42"}`. Bracket notation, as the '
        "SDKs send it (`metadata[order_id]=42`), is taken too."
        + (' "" removes every key.' if clearable else ""),
    }


def expand_of(data) -> set[str]:
    """What `expand[]` asks for (Stripe's expansion of related objects)."""
    expand = data.get("expand") if hasattr(data, "get") else None
    if isinstance(expand, str):
        expand = [expand]
    return {item for item in expand or [] if isinstance(item, str)}
