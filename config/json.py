"""JSON that keeps money exact: numbers are parsed as Decimal and rendered digit for digit."""

from decimal import Decimal

import simplejson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder


def _parse_constant(name: str) -> Decimal:
    # NaN and Infinity are not JSON, but some clients send them; they reach the field
    # validation (422 on amounts) instead of failing the whole body.
    return Decimal(name.replace("Infinity", "Inf"))


def loads(raw: bytes | str):
    return simplejson.loads(raw, use_decimal=True, parse_constant=_parse_constant)


def dumps(data) -> bytes:
    return simplejson.dumps(
        data, use_decimal=True, default=JSONEncoder().default, separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


class DecimalJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        try:
            return loads(raw.decode(settings.DEFAULT_CHARSET))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"Request body is not valid JSON: {exc}") from exc


class DecimalJSONRenderer(BaseRenderer):
    """Always JSON, whatever `Accept` asks for: the API has no HTML rendering."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)
