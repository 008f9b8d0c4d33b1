"""Public ids: a type prefix and 24 random hex digits (`pay_3f9c…`), the one generator."""

import secrets
from functools import partial


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def id_factory(prefix: str):
    """A model field default making ids with `prefix` (serializable by migrations)."""
    return partial(new_id, prefix)
