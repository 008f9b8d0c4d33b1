"""Public ids: a type prefix and 24 random hex digits (`pay_3f9c…`), the one generator.

A format may give the objects it originates prefixes of its own (`ID_PREFIXES`, registered
by the format's app at start-up): the domain asks `id_for(kind, origin)` and never reads a
prefix back.
"""

import secrets
from functools import partial

# (kind, origin format) -> prefix, e.g. ("payment", "stripe") -> "pi".
ID_PREFIXES: dict[tuple[str, str], str] = {}


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def id_factory(prefix: str):
    """A model field default making ids with `prefix` (serializable by migrations)."""
    return partial(new_id, prefix)


def id_for(kind: str, origin: str, *, default: str) -> str:
    """A new id for an object of `kind` made through the format `origin`."""
    return new_id(ID_PREFIXES.get((kind, origin), default))
