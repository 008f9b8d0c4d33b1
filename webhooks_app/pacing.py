"""How fast one destination host receives deliveries, from every account together.

A sandbox must not be a way to flood a host that is not the sender's own receiver: 16
endpoints, a `duplicate` scenario and a clock advance that makes a day of retries due at once
would otherwise multiply one account's events into hundreds of requests a second. Each host
gets at most `WEBHOOK_HOST_RATE_PER_SECOND` attempts a second (counted in the shared cache:
across processes on Redis); an attempt over it is given a later turn (queued, never
dropped): the n-th attempt over the rate in a second waits n // rate seconds more.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def wait_for_turn(host: str) -> float:
    """0 if an attempt to `host` may go now (and counts it), else the seconds until its turn.
    A cache that cannot count lets it go (as the rate limits do)."""
    rate = settings.WEBHOOK_HOST_RATE_PER_SECOND
    now = time.time()
    second = math.floor(now)
    key = f"webhooks:host:{host.lower()}:{second}"
    try:
        cache.add(key, 0, timeout=5)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open: a down cache must not stop deliveries
        logger.warning("Cannot pace deliveries to %s: the cache is unavailable", host)
        return 0.0
    if count <= rate:
        return 0.0
    return (second + 1 - now) + (count - rate - 1) // rate
