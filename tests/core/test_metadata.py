"""`core.metadata.merged_metadata`: how an update changes an object's metadata, as Stripe's
`metadata[key]=value` does: keys given are set, a key set to "" is removed, and "" for the
whole clears it."""

from core.metadata import merged_metadata

STORED = {"order_id": "42", "tier": "gold"}


def test_keys_given_are_set_and_the_others_kept():
    assert merged_metadata(STORED, {"tier": "silver", "channel": "web"}) == {
        "order_id": "42", "tier": "silver", "channel": "web"}


def test_a_key_set_to_the_empty_string_is_removed():
    assert merged_metadata(STORED, {"tier": ""}) == {"order_id": "42"}
    assert merged_metadata(STORED, {"never_there": ""}) == STORED


def test_the_empty_string_for_the_whole_clears_every_key():
    assert merged_metadata(STORED, "") == {}


def test_no_changes_keep_everything():
    assert merged_metadata(STORED, {}) == STORED
    assert merged_metadata({}, {"a": ""}) == {}


def test_the_stored_metadata_is_not_changed_in_place():
    stored = dict(STORED)
    merged = merged_metadata(stored, {"tier": "", "new": "1"})
    assert stored == STORED and merged is not stored
