"""JSON bodies of the API: parsed with exact decimals, rendered whatever `Accept` says."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from core import json

_encode_other = JSONEncoder().default  # lazy strings, dates: what DRF's own renderer handles


def dumps(data) -> bytes:
    return json.dumps(data, default=_encode_other)


def contains_nul(value) -> bool:
    """NUL characters cannot be stored (PostgreSQL refuses them), so no input may carry one."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(v) for v in value)
    return False


class DecimalJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        try:
            data = json.loads(raw.decode(settings.DEFAULT_CHARSET))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"Request body is not valid JSON: {exc}") from exc
        if contains_nul(data):
            raise ParseError("Request body must not contain NUL characters.")
        return data


class FormParser(parsers.FormParser):
    """Form bodies (the OAuth endpoints'), with the same refusal of NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if any(contains_nul(key) or contains_nul(v) for key, values in data.lists()
               for v in values):
            raise ParseError("Request body must not contain NUL characters.")
        return data


class DecimalJSONRenderer(BaseRenderer):
    """Always JSON, whatever `Accept` asks for: the API has no HTML rendering."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)
