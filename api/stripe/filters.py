"""The filters of Stripe's lists: `created` (an exact Unix second, or `created[gt]`,
`created[gte]`, `created[lt]`, `created[lte]`) and exact matches on ids and e-mails.

A list declares its filters once (`ListFilters(created(), exact("customer", ...))`): the
same object documents them as query parameters, with the cursor's (so the schema says what
is accepted, and `StripeViewSet` refuses what it does not name), and turns the parsed query
string (`StripeViewSet.query`, bracket notation) into one `Q` over the domain's field names,
which the list's selector applies. Values are judged as Stripe judges them:
`created[gte]=abc` is 400 `parameter_invalid_integer`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter

from api.stripe.pagination import LIST_PARAMETERS
from api.stripe.params import InvalidParameter, unknown_parameter

# Unix seconds up to the end of year 9999 (what a time can hold); the schema says the same.
MAX_SECONDS = 253402300799
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)
_INTEGER = re.compile(r"^[0-9]{1,12}$", re.ASCII)
RANGES = ("gt", "gte", "lt", "lte")


def _moment(seconds: int) -> datetime:
    """The instant of Unix time `seconds` (past year 9999: the last representable one)."""
    return _EPOCH + timedelta(seconds=seconds) if seconds <= MAX_SECONDS else _LATEST


def unix_seconds(value, param: str) -> int:
    """A form value as Stripe's integer of Unix seconds; 400 `parameter_invalid_integer`."""
    if not isinstance(value, str) or not _INTEGER.match(value) or int(value) > MAX_SECONDS:
        shown = value[:100] if isinstance(value, str) else "an object"
        raise InvalidParameter(f"Invalid integer: {shown}", code="parameter_invalid_integer",
                               param=param)
    return int(value)


def created_q(value, *, lookup: str = "created_at", param: str = "created") -> Q:
    """`created=T` (that whole second) or `created[gt|gte|lt|lte]=T` as a Q on `lookup`.
    A time shows as its whole second (`created` is floored), so `gt: T` is from T+1 on."""
    if not isinstance(value, dict):
        second = unix_seconds(value, param)
        return Q(**{f"{lookup}__gte": _moment(second), f"{lookup}__lt": _moment(second + 1)})
    q = Q()
    for key in sorted(value):
        if key not in RANGES:
            raise unknown_parameter(f"{param}[{key}]")
        second = unix_seconds(value[key], f"{param}[{key}]")
        q &= {"gt": Q(**{f"{lookup}__gte": _moment(second + 1)}),
              "gte": Q(**{f"{lookup}__gte": _moment(second)}),
              "lt": Q(**{f"{lookup}__lt": _moment(second)}),
              "lte": Q(**{f"{lookup}__lt": _moment(second + 1)})}[key]
    return q


@dataclass(frozen=True)
class ListFilter:
    """One of Stripe's list parameters: its OpenAPI parameters, and its value as a Q."""

    name: str
    parameters: tuple[OpenApiParameter, ...]
    to_q: Callable[[object], Q]


def created(lookup: str = "created_at") -> ListFilter:
    """`created`: documented as the five names a client sends (`created`, `created[gt]`,
    ...), each an integer of Unix seconds."""
    schema = {"type": "integer", "minimum": 0, "maximum": MAX_SECONDS}
    parameters = (
        OpenApiParameter("created", schema, description="Made in that second (Unix time)."),
        *(OpenApiParameter(f"created[{key}]", schema, description=f"Made {words} (Unix time).")
          for key, words in (("gt", "after that second"), ("gte", "in or after that second"),
                             ("lt", "before that second"),
                             ("lte", "in or before that second"))),
    )
    return ListFilter("created", parameters, lambda value: created_q(value, lookup=lookup))


def exact(name: str, lookup: str | Callable[[str], Q], *, description: str = "",
          max_length: int = 64) -> ListFilter:
    """A parameter naming one value (an id, an e-mail) that the listed objects must have:
    `lookup` is the ORM lookup it is compared with (or makes the Q from the value)."""
    parameter = OpenApiParameter(name, {"type": "string", "minLength": 1,
                                        "maxLength": max_length}, description=description)

    def to_q(value) -> Q:
        if not isinstance(value, str):
            raise InvalidParameter(f"Invalid string: {name} must be a string, not an object.",
                                   param=name)
        if not value.strip():  # empty, or blank (which the schema's pattern refuses too)
            raise InvalidParameter(
                f"You passed an empty string for '{name}'. We assume empty values are an "
                f"attempt to unset a parameter; however '{name}' cannot be unset. You should "
                f"remove '{name}' from your request or supply a non-empty value.",
                code="parameter_invalid_empty", param=name)
        if len(value) > max_length:
            raise InvalidParameter(f"Invalid {name}: at most {max_length} characters.",
                                   param=name)
        return lookup(value) if callable(lookup) else Q(**{lookup: value})

    return ListFilter(name, (parameter,), to_q)


def one_of(name: str, lookup: str, choices: tuple[str, ...], *,
           description: str = "") -> ListFilter:
    """A parameter naming one of a few values (a status) that the listed objects must have;
    any other is 400, as Stripe answers an invalid enum value."""
    parameter = OpenApiParameter(name, {"type": "string", "enum": list(choices)},
                                 description=description)

    def to_q(value) -> Q:
        if value not in choices:
            shown = value[:100] if isinstance(value, str) else "an object"
            raise InvalidParameter(f"Invalid {name}: must be one of {', '.join(choices)} "
                                   f"(not {shown}).", param=name)
        return Q(**{lookup: value})

    return ListFilter(name, (parameter,), to_q)


class ListFilters:
    """A list's filters: `parameters` for its declaration (`STRIPE.read(parameters=...)`),
    with the cursor's (`limit`, `starting_after`, `ending_before`) unless the paginator
    documents them (`cursor=False`: a list whose answer is a serializer's); `q` for its
    selector, from the request's parsed query string."""

    def __init__(self, *filters: ListFilter, cursor: bool = True):
        self.filters, self.cursor = filters, cursor

    @property
    def parameters(self) -> list[OpenApiParameter]:
        return [*(LIST_PARAMETERS if self.cursor else []),
                *(parameter for item in self.filters for parameter in item.parameters)]

    def q(self, query: dict) -> Q:
        """What the objects listed must match (an empty Q when nothing is asked)."""
        q = Q()
        for item in self.filters:
            if item.name in query:
                q &= item.to_q(query[item.name])
        return q
