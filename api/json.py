"""JSON bodies of the API: parsed with exact, bounded numbers and bounded nesting; rendered
whatever `Accept` says."""

import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from api import numbers
from core import json

_encode_other = JSONEncoder().default  # lazy strings, dates: what DRF's own renderer handles


def dumps(data, *, indent: int | None = None) -> bytes:
    return json.dumps(data, default=_encode_other, indent=indent)


MAX_DEPTH = 32
MAX_MEMBERS = 1000  # object members and array items of one body, in all
# A JSON string, or one structural character: what counting members needs to see.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')
_EMPTY_ARRAY_REST = re.compile(r"\s*\]")


def contains_nul(value) -> bool:
    """NUL characters cannot be stored (PostgreSQL refuses them), so no input may carry one."""
    return isinstance(value, str) and "\x00" in value


def parse_body(text: str):
    """A JSON request body, bounded before any code computes with it: more than
    `MAX_MEMBERS` members or nested deeper than `MAX_DEPTH` is a 400; a number out of range
    (`api.numbers`) stays an `OutOfRange` marker, refused (422) by the field that receives
    it, ignored where no field does."""
    if _too_many_members(text):
        raise ParseError(f"JSON bodies may hold at most {MAX_MEMBERS} members (object keys "
                         "and array items, in all).")
    try:
        data = json.loads(text, parse_float=numbers.judge_decimal,
                          parse_int=numbers.judge_int)
    except RecursionError:
        raise ParseError(f"JSON may be nested at most {MAX_DEPTH} levels deep.") from None
    except ValueError as exc:
        raise ParseError(f"Request body is not valid JSON: {exc}") from exc
    for _value, _path, depth in walk(data):
        if depth >= MAX_DEPTH:
            raise ParseError(f"JSON may be nested at most {MAX_DEPTH} levels deep.")
    return data


def _too_many_members(text: str) -> bool:
    """Counted on the text, before it is parsed, stopping at the first member too many:
    a body of 52,000 keys costs what a body of a thousand does."""
    members, containers = 0, []
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == ":" or (token == "," and containers[-1:] == ["["]):
            members += 1
            if members > MAX_MEMBERS:
                return True
        elif token in "{[":
            containers.append(token)
            if token == "[" and not _EMPTY_ARRAY_REST.match(text, match.end()):
                members += 1  # its first item (the others follow a comma)
        elif token in "}]" and containers:
            containers.pop()
    return False


def walk(data):
    """Every container and value of parsed JSON, with its path and depth, without recursion."""
    stack = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        yield value, path, depth
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}" if path else key, depth + 1)
                         for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1)
                         for index, item in enumerate(value))


def unstorable(data) -> list[str]:
    """Where free-form JSON (stored as it is) holds a NUL character or a number out of range."""
    return sorted(
        path for value, path, _depth in walk(data)
        if isinstance(value, numbers.OutOfRange) or contains_nul(value)
        or (isinstance(value, dict) and any(contains_nul(key) for key in value))
    )


def body_text(stream, kind: str) -> str:
    """A request body as text (400 if it is not in the site's charset)."""
    try:
        return stream.read().decode(settings.DEFAULT_CHARSET)
    except UnicodeDecodeError as exc:
        raise ParseError(f"Request body is not valid {kind}: {exc}") from exc


class DecimalJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return parse_body(body_text(stream, "JSON"))


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


class IndentedJSONRenderer(DecimalJSONRenderer):
    """JSON laid out for reading, two spaces a level and a newline at the end, keys in the
    order they were rendered: how Stripe's API answers (`/stripe/v1`). The other surfaces
    stay compact: their bodies are the benchmarked ones."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data, indent=2) + b"\n"
