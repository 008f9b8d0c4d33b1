"""Idempotency fingerprints compare requests by meaning, not by their bytes."""

import random
from decimal import Decimal

import simplejson
from hypothesis import given
from hypothesis import strategies as st

from api.idempotency import fingerprint
from core import json

scalars = (
    st.none() | st.booleans() | st.integers(-10**12, 10**12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**6,
                  max_value=10**6)
    | st.text(max_size=20)
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
bodies = st.dictionaries(st.text(max_size=8), documents, max_size=6)


def reorder(value, rng):
    """The same document with shuffled keys and decimals written with trailing zeros."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: reorder(item, rng) for key, item in items}
    if isinstance(value, list):
        return [reorder(item, rng) for item in value]
    if isinstance(value, Decimal):
        return Decimal(f"{value:f}") if "." not in f"{value:f}" else Decimal(f"{value:f}00")
    return value


@given(bodies, st.randoms())
def test_key_order_and_trailing_zeros_do_not_change_the_fingerprint(body, rng):
    assert fingerprint("POST", "/v1/payments", body) == fingerprint(
        "POST", "/v1/payments", reorder(body, rng))


@given(bodies, st.integers(0, 4))
def test_whitespace_does_not_change_the_fingerprint(body, indent):
    compact = json.loads(json.dumps(body))
    spaced = json.loads(simplejson.dumps(body, use_decimal=True, indent=indent,
                                         separators=(", ", " : ")))
    assert fingerprint("POST", "/p", compact) == fingerprint("POST", "/p", spaced)


@given(bodies, st.text(min_size=1, max_size=8))
def test_a_different_value_or_path_changes_the_fingerprint(body, key):
    changed = {**body, key: ["changed", body.get(key)]}
    assert fingerprint("POST", "/p", body) != fingerprint("POST", "/p", changed)
    assert fingerprint("POST", "/p", body) != fingerprint("POST", "/q", body)


def test_reorder_is_really_reordering():
    rng = random.Random(1)
    body = {str(i): i for i in range(10)}
    assert list(reorder(body, rng)) != list(body)
