"""`core.ids`: public ids are a prefix and 24 random hex digits; a format may register its own
prefix for the objects it originates, and the domain asks `id_for` without knowing which."""

import re
from functools import partial

from core import ids
from core.formats import Format

ID = re.compile(r"^(?P<prefix>[a-z]+)_(?P<random>[0-9a-f]{24})$")


def test_new_id_is_the_prefix_and_24_hex_digits():
    made = ids.new_id("pay")
    assert ID.match(made)["prefix"] == "pay"
    assert len(made) == len("pay_") + 24


def test_new_ids_do_not_repeat():
    assert len({ids.new_id("pay") for _ in range(1000)}) == 1000


def test_id_factory_is_a_field_default_migrations_can_serialize():
    default = ids.id_factory("cus")
    assert isinstance(default, partial) and (default.func, default.args) == (ids.new_id,
                                                                             ("cus",))
    assert ID.match(default())["prefix"] == "cus"
    assert default() != default()


def test_id_for_uses_the_default_prefix_without_a_registered_one():
    assert ID.match(ids.id_for("widget", Format.V1, default="wdg"))["prefix"] == "wdg"


def test_id_for_uses_the_prefix_its_origin_format_registered(monkeypatch):
    before = dict(ids.ID_PREFIXES)
    with monkeypatch.context() as patch:
        patch.setitem(ids.ID_PREFIXES, ("widget", Format.STRIPE), "wi")
        assert ID.match(ids.id_for("widget", Format.STRIPE, default="wdg"))["prefix"] == "wi"
        # Only for that kind made through that format.
        assert ID.match(ids.id_for("widget", Format.V1, default="wdg"))["prefix"] == "wdg"
        assert ID.match(ids.id_for("gadget", Format.STRIPE, default="gdg"))["prefix"] == "gdg"
    assert ids.ID_PREFIXES == before  # the registration is gone again
    assert ID.match(ids.id_for("widget", Format.STRIPE, default="wdg"))["prefix"] == "wdg"


def test_the_stripe_format_registers_stripes_prefixes():
    """What the apps registered at start-up: a payment or refund made through Stripe has
    Stripe's prefix (`pi_`, `re_`); through `/v1`, the default."""
    assert ID.match(ids.id_for("payment", Format.STRIPE, default="pay"))["prefix"] == "pi"
    assert ID.match(ids.id_for("refund", Format.STRIPE, default="ref"))["prefix"] == "re"
    assert ID.match(ids.id_for("payment", Format.V1, default="pay"))["prefix"] == "pay"


