"""Form bodies in Stripe's bracket notation, as the official SDKs send them.

`metadata[order_id]=42` is an object, `expand[]=customer` and `enabled_events[0]=a&
enabled_events[1]=b` are arrays; values stay strings (the operation's serializer says what
each must be). Bounded like JSON bodies (`api.json`): nesting, the number of fields and the
array indexes are checked before anything is built, and NUL characters are refused.
"""

import re
from urllib.parse import parse_qsl

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from api.json import body_text, contains_nul

MAX_DEPTH = 5  # metadata[a]=1 is 2; Stripe's own objects nest no deeper than 4
MAX_INDEX = 999  # an indexed array holds at most 1,000 items
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def parse_brackets(body: str) -> dict:
    """The nested object a bracket-notation form body stands for (400 if it cannot be one)."""
    try:
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=False,
                          max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    except ValueError:
        raise ParseError(f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters are "
                         "accepted.") from None
    data: dict = {}
    for key, value in pairs:
        if contains_nul(key) or contains_nul(value):
            raise ParseError("Request body must not contain NUL characters.")
        _place(data, _path(key), value, key)
    return _arrays(data)


def _path(key: str) -> list[str]:
    match = _KEY.match(key)
    if match is None:
        raise ParseError(f"Invalid parameter name '{key[:100]}'.")
    path = [match.group(1), *_PART.findall(match.group(2))]
    if len(path) > MAX_DEPTH:
        raise ParseError(f"Parameters may be nested at most {MAX_DEPTH} levels deep.")
    return path


class _Array(dict):
    """An array being built: index (or the next free one, for `[]`) -> item."""


def _place(data: dict, path: list[str], value: str, key: str) -> None:
    node = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, _Array):
            if part == "":
                part = len(node)
            elif part.isdigit() and int(part) <= MAX_INDEX:
                part = int(part)
            else:
                raise ParseError(f"Invalid array index in '{key[:100]}'.")
        if last:
            if part in node and not isinstance(node[part], str):
                raise ParseError(f"'{key[:100]}' is both a value and an object.")
            node[part] = value
            return
        following = path[depth + 1]
        child = node.get(part)
        if child is None:
            is_array = following == "" or following.isdigit()
            child = node[part] = _Array() if is_array else {}
        elif isinstance(child, str):
            raise ParseError(f"'{key[:100]}' is both a value and an object.")
        node = child


def _arrays(node):
    """`_Array`s as lists in index order (gaps closed); everything else as it is."""
    if isinstance(node, _Array):
        return [_arrays(node[index]) for index in sorted(node)]
    if isinstance(node, dict):
        return {key: _arrays(value) for key, value in node.items()}
    return node


class BracketFormParser(BaseParser):
    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None):
        return parse_brackets(body_text(stream, "form data"))
