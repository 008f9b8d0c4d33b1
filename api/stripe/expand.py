"""Stripe's `expand[]`: a field holding an object's id answers with the object itself.

Which fields of which Stripe object expand is a registry (`EXPANDABLE`) the apps fill from
their Stripe modules at `AppConfig.ready`, as they register their event renderings: each
object type's loader (ids -> rendered objects, one query for a whole page) and each
expandable field (the object type it holds, or a loader of its own, as the refunds app
gives a Charge its `refunds` list). The toolkit needs no import of any app.

`plan` checks what a request asks for before the operation runs (a malformed or unknown
path is 400 and nothing changed); `apply` expands rendered objects in place, one batched
load per expanded field per level, whatever the number of objects (a list's page).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from drf_spectacular.utils import OpenApiParameter

from api.stripe.params import InvalidParameter

MAX_DEPTH = 4  # Stripe's: `data.latest_charge.payment_intent.customer` is the deepest
# A loader: (account, ids or keys) -> {id or key: the rendered object}; unknown ones left out.
Loader = Callable[[object, list[str]], dict[str, dict]]


@dataclass(frozen=True)
class Field:
    """An expandable field: `target` is the Stripe object type it holds (loaded by that
    type's registered loader), None for one the sandbox always renders null (accepted,
    stays null). A field with its own `load` is given `key(object)` for each object instead
    of the field's value (a Charge's `refunds`: the charge's id). `many`: the field is a
    list object of `target`s, deeper paths going through its `data`."""

    target: str | None = None
    load: Loader | None = None
    key: Callable[[dict], str | None] | None = None
    many: bool = False


class Expandable:
    """Per Stripe object type (`"payment_intent"`, ...): its loader and its expandable
    fields (paths inside the object, such as `invoice_settings.default_payment_method`)."""

    def __init__(self):
        self._loaders: dict[str, Loader] = {}
        self._fields: dict[str, dict[str, Field]] = {}

    def register_object(self, object_type: str, load: Loader) -> None:
        self._loaders[object_type] = load

    def register_field(self, object_type: str, path: str, target: str | None = None, *,
                       load: Loader | None = None, key=None, many: bool = False) -> None:
        self._fields.setdefault(object_type, {})[path] = Field(target, load, key, many)

    def fields(self, object_type: str | None) -> dict[str, Field]:
        return self._fields.get(object_type, {}) if object_type else {}

    def loader(self, field: Field) -> Loader | None:
        return field.load or (self._loaders.get(field.target) if field.target else None)


EXPANDABLE = Expandable()

# What to expand under one object type: field path -> (its Field, what to expand under it).
Plan = dict[str, tuple[Field, "Plan"]]


def cannot_expand(path: str, hint: str | None = None) -> InvalidParameter:
    """Stripe's refusal, naming the path (its first 200 characters: what a client sent is
    echoed, never at any length)."""
    message = f"This property cannot be expanded ({path[:200]})."
    if hint:
        message += f" You may want to try expanding '{hint}' instead."
    return InvalidParameter(message, param="expand")


def plan(paths: Iterable[str], object_type: str | None, *, listed: bool = False,
         registry: Expandable = EXPANDABLE) -> Plan:
    """What `paths` ask of an answer holding an `object_type` (a list of them when `listed`:
    each path then starts with `data.`); 400 for a path that names no expandable field, or
    more than 4 levels."""
    tree: Plan = {}
    for path in sorted(paths):
        parts = path.split(".")
        if len(parts) > MAX_DEPTH:
            raise InvalidParameter(
                f"You cannot expand more than {MAX_DEPTH} levels of a property.",
                param="expand")
        if listed:
            if parts[0] != "data" or len(parts) == 1:
                hint = f"data.{path}" if _valid(registry, object_type, parts) else None
                raise cannot_expand(path, hint)
            parts = parts[1:]
        _place(registry, tree, object_type, parts, path)
    return tree


def _valid(registry: Expandable, object_type: str | None, parts: list[str]) -> bool:
    try:
        _place(registry, {}, object_type, parts, "")
    except InvalidParameter:
        return False
    return len(parts) < MAX_DEPTH


def _place(registry: Expandable, tree: Plan, object_type: str | None, parts: list[str],
           path: str) -> None:
    fields = registry.fields(object_type)
    for size in range(len(parts), 0, -1):  # the longest prefix naming a field
        name = ".".join(parts[:size])
        field = fields.get(name)
        if field is not None:
            break
    else:
        raise cannot_expand(path)
    if field.target is not None and registry.loader(field) is None:
        raise cannot_expand(path)  # its type's app registered no loader
    rest = parts[size:]
    nested = tree.setdefault(name, (field, {}))[1]
    if not rest:
        return
    if field.many:
        if rest[0] != "data" or len(rest) == 1:
            raise cannot_expand(path)
        rest = rest[1:]
    if field.target is None:
        raise cannot_expand(path)  # nothing is under a field that stays null
    _place(registry, nested, field.target, rest, path)


def apply(account, objects: list[dict], expansion: Plan,
          registry: Expandable = EXPANDABLE) -> None:
    """Expand `objects` (rendered, of one type) in place as `expansion` says: per field,
    one load for all of them; then what is under the loaded objects, the same way."""
    objects = [obj for obj in objects if isinstance(obj, dict)]
    for name, (field, nested) in expansion.items():
        load = registry.loader(field)
        if load is None or not objects:
            continue  # always null here
        keys = [field.key(obj) if field.key else _get(obj, name) for obj in objects]
        wanted = sorted({key for key in keys if isinstance(key, str) and key})
        loaded = load(account, wanted) if wanted else {}
        for obj, key in zip(objects, keys, strict=True):
            if isinstance(key, str) and key in loaded:
                _set(obj, name, loaded[key])
        if nested:
            children = list({id(child): child for child in loaded.values()}.values())
            if field.many:
                children = [item for child in children for item in child.get("data", [])]
            apply(account, children, nested, registry)


def parameter(object_type: str | None, *, listed: bool = False, extra: tuple[str, ...] = (),
              registry: Expandable = EXPANDABLE) -> OpenApiParameter | None:
    """`expand[]` of a GET in the schema: the fields of its answer that expand, one level deep
    (`data.x` on a list), as an enumeration; deeper paths are described. None when nothing
    of the answer expands."""
    fields = registry.fields(object_type)
    if not fields and not extra:
        return None
    prefix = "data." if listed else ""
    names = [*extra, *(prefix + name for name in sorted(fields))]
    return OpenApiParameter(
        "expand[]", {"type": "array", "items": {"type": "string", "enum": names}},
        description="Fields to answer with the object they name instead of its id; nested "
        f"with dots up to {MAX_DEPTH} levels (`{prefix}customer.invoice_settings."
        "default_payment_method`). Fields the sandbox always renders null are accepted and "
        "stay null; any other path is 400.")


def _get(obj: dict, path: str):
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _set(obj: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        obj = obj.get(part)
        if not isinstance(obj, dict):
            return
    obj[last] = value
