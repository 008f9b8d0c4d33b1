"""Stripe's search (`GET /v1/customers/search?query=…`): its query language, parsed here once,
and its pages.

A query is clauses joined by spaces or by `AND`, or by `OR` (case-insensitive; not both in
one query). A clause is `field:value` (exact), `field~"text"` (substring, at least 3
characters), `field>N`, `field<N`, `field>=N`, `field<=N` (numbers and times), optionally
negated with a leading `-`; `metadata['key']:'value'` (or with double quotes) matches one
metadata key, and `field:null` an absent value. Strings are quoted, in double or single
quotes (a backslash escapes the quote); numbers may be quoted or bare; `null`, `true` and
`false` are bare.

The parser is bounded (at most `MAX_QUERY_CHARS` characters and `MAX_CLAUSES` clauses) and
answers every malformed query with 400 `invalid_request_error` on `query`, never with a
crash. What each field means is the resource's (`SearchFields`, declared by each app's
Stripe module): the toolkit turns clauses into one `Q` over the domain's fields through it,
which the resource's list selector applies, so the domain never reads Stripe's words.

Pages are newest first; `next_page` is an opaque, signed token of where the page ended,
bound to its resource and query.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

from django.core import signing
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from api.pagination import DigitsField
from api.stripe.filters import created_q
from api.stripe.params import InvalidParameter

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 10
MAX_NUMBER_DIGITS = 18
MIN_SUBSTRING = 3
MAX_PAGE_CHARS = 500
_SALT = "api.stripe.search.page"

COMPARISONS = (">=", "<=", ">", "<")
OPERATORS = (":", "~", *COMPARISONS)
_FIELD = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*", re.ASCII)
_WORD = re.compile(r"[A-Za-z0-9_.@+-]+", re.ASCII)
_BARE_NUMBER = re.compile(r"-?[0-9]+(?![A-Za-z0-9_.@+-])", re.ASCII)
_JOIN = re.compile(r"(?i:AND|OR)(?=\s)")


def invalid_query(message: str) -> InvalidParameter:
    return InvalidParameter(message, param="query")


# A value as written: ("string", text), ("number", int), ("null", None), ("boolean", bool).
Value = tuple[str, object]


@dataclass(frozen=True)
class Clause:
    field: str  # `metadata` for a metadata clause, whose key is `key`
    operator: str
    value: Value
    negated: bool = False
    key: str | None = None


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]
    any: bool = False  # joined by OR (else AND)


class _Reader:
    """The query's characters, read left to right (every read checks the end)."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def peek(self, size: int = 1) -> str:
        return self.text[self.at:self.at + size]

    def done(self) -> bool:
        return self.at >= len(self.text)

    def spaces(self) -> bool:
        start = self.at
        while not self.done() and self.text[self.at].isspace():
            self.at += 1
        return self.at > start

    def match(self, pattern: re.Pattern) -> str | None:
        found = pattern.match(self.text, self.at)
        if found is None:
            return None
        self.at = found.end()
        return found.group()

    def quoted(self) -> str:
        quote = self.text[self.at]
        self.at += 1
        chars = []
        while not self.done():
            char = self.text[self.at]
            self.at += 1
            if char == "\\" and not self.done():
                chars.append(self.text[self.at])
                self.at += 1
            elif char == quote:
                return "".join(chars)
            else:
                chars.append(char)
        raise invalid_query(f"Unterminated string: a {quote} is never closed.")

    def unexpected(self, wanted: str) -> InvalidParameter:
        if self.done():
            return invalid_query(f"The query ends where {wanted} was expected.")
        return invalid_query(f"Unexpected '{self.text[self.at:self.at + 20]}' at position "
                             f"{self.at + 1}: {wanted} was expected.")


def parse(text: str) -> Query:
    """The clauses of a search query and how they are joined (400 `query` if malformed)."""
    if not isinstance(text, str):
        raise invalid_query("The query must be a string.")
    if len(text) > MAX_QUERY_CHARS:
        raise invalid_query(f"The query is too long: at most {MAX_QUERY_CHARS} characters.")
    reader = _Reader(text)
    reader.spaces()
    if reader.done():
        raise invalid_query('The query is empty: give at least one clause, such as '
                            'email:"jenny@example.com".')
    clauses, joins = [_clause(reader)], set()
    while True:
        spaced = reader.spaces()
        if reader.done():
            break
        if not spaced:
            raise reader.unexpected("a space between clauses")
        word = reader.match(_JOIN)
        if word is not None:
            joins.add(word.upper())
            if not reader.spaces() or reader.done():
                raise reader.unexpected(f"a clause after {word.upper()}")
        else:
            joins.add("AND")  # clauses separated by a space are joined by AND
        if len(joins) > 1:
            raise invalid_query("AND and OR cannot be combined in one query.")
        if len(clauses) == MAX_CLAUSES:
            raise invalid_query(f"Too many clauses: a query has at most {MAX_CLAUSES}.")
        clauses.append(_clause(reader))
    return Query(tuple(clauses), any=joins == {"OR"})


def _clause(reader: _Reader) -> Clause:
    negated = reader.peek() == "-"
    if negated:
        reader.at += 1
    field = reader.match(_FIELD)
    if field is None:
        raise reader.unexpected("a field name (such as email)")
    key = None
    if field == "metadata" and reader.peek() == "[":
        reader.at += 1
        if reader.peek() not in ("'", '"'):
            raise reader.unexpected("a quoted metadata key, as in metadata['key']")
        key = reader.quoted()
        if reader.peek() != "]":
            raise reader.unexpected("] after the metadata key")
        reader.at += 1
        if not key:
            raise invalid_query("A metadata key cannot be empty.")
    operator = next((op for op in (">=", "<=", *OPERATORS) if reader.peek(len(op)) == op),
                    None)
    if operator is None:
        raise reader.unexpected(f"an operator ({', '.join(OPERATORS)}) after {field}")
    reader.at += len(operator)
    return Clause(field, operator, _value(reader), negated, key)


def _value(reader: _Reader) -> Value:
    if reader.peek() in ("'", '"'):
        return ("string", reader.quoted())
    number = reader.match(_BARE_NUMBER)
    if number is not None:
        if len(number.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise invalid_query(f"Numbers have at most {MAX_NUMBER_DIGITS} digits.")
        return ("number", int(number))
    word = reader.match(_WORD)
    if word is None:
        raise reader.unexpected("a value")
    if word == "null":
        return ("null", None)
    if word in ("true", "false"):
        return ("boolean", word == "true")
    raise invalid_query(f"String values are quoted: write \"{word[:50]}\" instead of "
                        f"{word[:50]}.")


# What a field of a resource means: the clause (its operator and value) as a Q.
@dataclass(frozen=True)
class SearchField:
    kind: str  # what it takes, for the messages: "string", "token", "number", "time", ...
    operators: tuple[str, ...]
    to_q: Callable[[Clause], Q]


def _text(clause: Clause, field: str) -> str:
    kind, value = clause.value
    if kind == "string":
        return value
    if kind == "number":
        return str(value)
    raise invalid_query(f"Field '{field}' takes a quoted string, such as {field}:\"value\".")


def string(lookup: str) -> SearchField:
    """Text: exact (`:`, regardless of case), substring (`~`, at least 3 characters), and
    `null` for none."""

    def to_q(clause: Clause) -> Q:
        if clause.value[0] == "null" and clause.operator == ":":
            return Q(**{lookup: ""})
        text = _text(clause, clause.field)
        if clause.operator == "~":
            if len(text) < MIN_SUBSTRING:
                raise invalid_query(f"A substring search (~) needs at least {MIN_SUBSTRING} "
                                    f"characters: {clause.field}~\"{text}\".")
            return Q(**{f"{lookup}__icontains": text})
        return Q(**{f"{lookup}__iexact": text})

    return SearchField("string", (":", "~"), to_q)


def token(lookup: str | None = None, *, values: dict[str, Q] | None = None,
          convert: Callable[[str], str] | None = None) -> SearchField:
    """An exact value (`:` only): an id, a currency, a status. `values`: the Q of each value
    the field can take (anything else is refused); otherwise the (converted) value compared
    with `lookup`, and `null` for none."""

    if lookup is None and values is None:
        raise ValueError("A token field compares with a lookup or has its values' Qs.")

    def to_q(clause: Clause) -> Q:
        kind, value = clause.value
        if kind == "null" and lookup is not None and values is None:
            return Q(**{lookup: ""})
        if kind == "boolean":
            text = "true" if value else "false"
        elif kind == "null":
            text = "null"
        else:
            text = _text(clause, clause.field)
        if values is not None:
            if text not in values:
                raise invalid_query(f"Invalid value for {clause.field}: '{text[:50]}'. It is "
                                    f"one of {', '.join(sorted(values))}.")
            return values[text]
        return Q(**{lookup: convert(text) if convert else text})

    return SearchField("token", (":",), to_q)


def _integer(clause: Clause) -> int | None:
    """The clause's value as an integer: bare, or quoted (quotes are optional on numbers);
    None if it is none."""
    kind, value = clause.value
    if kind == "string" and _BARE_NUMBER.fullmatch(value):
        kind, value = _value(_Reader(value))
    return value if kind == "number" else None


def number(lookup: str) -> SearchField:
    """An integer (amounts in minor units): exact, or compared."""

    def to_q(clause: Clause) -> Q:
        value = _integer(clause)
        if value is None:
            raise invalid_query(f"Field '{clause.field}' takes a number, such as "
                                f"{clause.field}>1000.")
        suffix = {":": "", ">": "__gt", ">=": "__gte", "<": "__lt", "<=": "__lte"}
        return Q(**{f"{lookup}{suffix[clause.operator]}": value})

    return SearchField("number", (":", *COMPARISONS), to_q)


def timestamp(lookup: str = "created_at") -> SearchField:
    """A time as Unix seconds: that second (`:`), or compared (`created>1700000000`)."""

    def to_q(clause: Clause) -> Q:
        value = _integer(clause)
        if value is None or value < 0:
            raise invalid_query(f"Field '{clause.field}' takes a time in Unix seconds, such "
                                f"as {clause.field}>1700000000.")
        ranges = {":": None, ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
        key = ranges[clause.operator]
        text = str(value)
        return created_q(text if key is None else {key: text}, lookup=lookup,
                         param="query")

    return SearchField("time", (":", *COMPARISONS), to_q)


def metadata(lookup: str = "metadata") -> SearchField:
    """`metadata['key']:'value'` (exact), `metadata['key']:null` (no such key)."""

    def to_q(clause: Clause) -> Q:
        if clause.key is None:
            raise invalid_query("Search metadata by key: metadata['key']:'value'.")
        present = Q(**{f"{lookup}__has_key": clause.key})
        if clause.value[0] == "null":
            return ~present
        text = _text(clause, f"metadata['{clause.key[:40]}']")
        return present & Q(Exact(KeyTextTransform(clause.key, lookup), text))

    return SearchField("metadata", (":",), to_q)


class SearchFields:
    """The searchable fields of one resource (`resource` as its path names it:
    `customers`), each a `SearchField`."""

    def __init__(self, resource: str, fields: dict[str, SearchField]):
        self.resource, self.fields = resource, fields

    @property
    def description(self) -> str:
        """What the search operation's documentation says of its fields."""
        fields = ", ".join(f"`{name}` ({field.kind}: {' '.join(field.operators)})"
                           for name, field in sorted(self.fields.items()))
        return (f"`query` in Stripe's search query language (docs/stripe.md). Fields: "
                f"{fields}. Add `expand[]=total_count` for the number of matches.")

    def q(self, text: str) -> Q:
        query = parse(text)
        parts = [self._clause_q(clause) for clause in query.clauses]
        return reduce(lambda a, b: a | b, parts) if query.any else reduce(
            lambda a, b: a & b, parts)

    def _clause_q(self, clause: Clause) -> Q:
        field = self.fields.get(clause.field)
        if field is None:
            raise invalid_query(
                f"Field '{clause.field[:60]}' is an unsupported search field for resource "
                f"'{self.resource}'. The supported fields are {', '.join(sorted(self.fields))}.")
        if clause.operator not in field.operators:
            raise invalid_query(
                f"Field '{clause.field}' does not support the '{clause.operator}' operator "
                f"(it takes {' '.join(field.operators)}).")
        q = field.to_q(clause)
        return ~q if clause.negated else q


@dataclass(frozen=True)
class Search:
    """A search request: its query (`text`) and what it asks of the objects (`where`, over
    the domain's fields), the page size and the page it goes on from (`page`, or None)."""

    text: str
    where: Q
    limit: int
    page: str | None


class SearchParams(serializers.Serializer):
    query = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=False)
    limit = DigitsField(min_value=1, max_value=100, default=10)
    page = serializers.CharField(max_length=MAX_PAGE_CHARS, required=False)


PARAMETERS = [
    OpenApiParameter("query", {"type": "string", "minLength": 1,
                               "maxLength": MAX_QUERY_CHARS}, required=True,
                     description="Stripe's search query language (docs/stripe.md)."),
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 100},
                     description="Objects to return, 1-100 (default 10)."),
    OpenApiParameter("page", {"type": "string", "maxLength": MAX_PAGE_CHARS},
                     description="The previous result's `next_page`."),
]


def _binding(path: str, text: str) -> str:
    return hashlib.sha256(f"{path}\n{text}".encode()).hexdigest()[:16]


def page_token(path: str, text: str, row) -> str:
    return signing.dumps({"t": row.created_at.isoformat(), "i": row.pk,
                          "b": _binding(path, text)}, salt=_SALT)


def after_token(queryset, *, path: str, text: str, token: str):
    """The rows after the page `token` ended on (400 `page` if it is no page of this
    search)."""
    try:
        cursor = signing.loads(token, salt=_SALT)
        at, pk = datetime.fromisoformat(cursor["t"]), int(cursor["i"])
        bound = cursor["b"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidParameter("Invalid page: give the next_page of a previous result.",
                               param="page") from None
    if bound != _binding(path, text):
        raise InvalidParameter("This page belongs to another search: keep the query of the "
                               "search it came from.", param="page")
    return queryset.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))


def search_page(queryset, *, path: str, search: Search):
    """A page of the rows a search matched (`queryset`), newest first, and the `next_page`
    after it (None at the end)."""
    if search.page is not None:
        queryset = after_token(queryset, path=path, text=search.text, token=search.page)
    rows = list(queryset.order_by("-created_at", "-id")[: search.limit + 1])
    more = len(rows) > search.limit
    rows = rows[:search.limit]
    return rows, (page_token(path, search.text, rows[-1]) if more else None)
