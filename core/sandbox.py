"""An account's sandbox controls, below the apps: the plug-in points that the apps owning the
data fill (`accounts.services` runs them: a test-data reset, a clock advance, without
importing the apps, which register from their `AppConfig.ready`), and the slots that bound
an account's delayed answers (taken by `accounts.scenarios`, given back by the API
middleware once the answer has gone out).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from core.registry import Registry

logger = logging.getLogger(__name__)
# A slot outlives its delay by this much at most, should its process die while it waits.
DELAY_SLOT_MARGIN_SECONDS = 5

# What a test-data reset deletes: each is called as `reset(account=...)` inside the reset's
# transaction.
TEST_DATA_RESETS = Registry("test data reset")
# The account's work that becomes due when its clock moves: each is called as
# `run(account=..., now=..., limit=...)` inside the advance's transaction, does at most
# `limit` items and returns a `DueWork`.
DUE_WORK = Registry("due work")


@dataclass
class DueWork:
    """What a clock advance ran of one kind of due work (`{"payments_settled": 2}`), and
    what it left for later (`{"payments_settled": 2800}`: the next advance, or the task
    workers' scheduler, takes it on)."""

    done: dict[str, int]
    left: dict[str, int] = field(default_factory=dict)


def due_batch(due, limit: int) -> tuple[list, int]:
    """The first `limit` of `due` (a queryset, in the order to run them) and how many more
    there are: a clock advance does bounded work, however much became due."""
    batch = list(due[:limit]) if limit > 0 else []
    left = due.count() - len(batch) if len(batch) == limit else 0
    return batch, left


def delay_slot(*, account_id: int, seconds: float) -> str | None:
    """One of the account's `SCENARIO_DELAYS_PER_ACCOUNT` slots for an answer held back
    `seconds` (a cache key: atomic on every cache, shared by every process on Redis), or None
    when the account has none free. A cache that cannot answer lets the delay through
    without a slot ("")."""
    try:
        for index in range(settings.SCENARIO_DELAYS_PER_ACCOUNT):
            key = f"sandbox:delay:{account_id}:{index}"
            if cache.add(key, 1, timeout=seconds + DELAY_SLOT_MARGIN_SECONDS):
                return key
    except Exception:  # noqa: BLE001 - the cache is down: as the rate limits, fail open
        logger.warning("Cannot count the delayed answers of account %s", account_id)
        return ""
    return None


def release_delay_slot(slot: str) -> None:
    if not slot:
        return
    try:
        cache.delete(slot)
    except Exception:  # noqa: BLE001 - it expires by itself
        logger.warning("Cannot give back the delay slot %s", slot)
