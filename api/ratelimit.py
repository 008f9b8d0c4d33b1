"""Rate limits per credential (per client IP for the unauthenticated OAuth endpoints).

django-ratelimit does the counting in the shared cache (Redis in production); this module
asks it once per request, with `increment=True`, for each rule: `RATE_LIMIT_PER_MINUTE`
and a burst of `RATE_LIMIT_PER_SECOND`. The headers describe the per-minute window.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, get_usage
from rest_framework.exceptions import Throttled

from core.errors import ServiceError

logger = logging.getLogger(__name__)

MINUTE_GROUP = "api-minute"
BURST_GROUP = "api-burst"


class RateLimiterUnavailable(ServiceError):
    status = 503
    type = "api_error"
    code = "rate_limiter_unavailable"


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset: int  # Unix time at which the minute window ends

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


def _rules() -> tuple[tuple[str, str], ...]:
    return (
        (MINUTE_GROUP, f"{settings.RATE_LIMIT_PER_MINUTE}/m"),
        (BURST_GROUP, f"{settings.RATE_LIMIT_PER_SECOND}/s"),
    )


def client_ip_key(request) -> str:
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def consume(request, key: str) -> Usage | None:
    """Count this request against `key`'s limits; raise Throttled (429) past either.

    Returns the per-minute usage for the response headers, or None when limiting is off
    or the cache failed and `RATE_LIMIT_FAIL_OPEN` lets the request through.
    """
    if not settings.RATELIMIT_ENABLE:
        return None
    try:
        minute, burst = (
            get_usage(request, group=group, key=lambda _group, _request: key, rate=rate,
                      increment=True)
            for group, rate in _rules()
        )
    except Exception as exc:  # the cache is down: the configured policy decides
        return _cache_failed(exc)
    if minute is None or burst is None:  # django-ratelimit could not count (fail open)
        return _cache_failed(None)
    now = int(time.time())
    usage = Usage(
        limit=minute["limit"],
        remaining=max(0, minute["limit"] - minute["count"]),
        reset=now + max(0, minute["time_left"]),
    )
    request.rate_limit = usage
    for rule in (minute, burst):
        if rule["should_limit"]:
            raise Throttled(wait=max(1, rule["time_left"]))
    return usage


def _cache_failed(exc: Exception | None) -> None:
    logger.warning("Rate limiter unavailable (%s); failing %s", exc or "no count",
                   "open" if settings.RATE_LIMIT_FAIL_OPEN else "closed")
    if settings.RATE_LIMIT_FAIL_OPEN:
        return None
    raise RateLimiterUnavailable("The rate limiter is unavailable; retry shortly.")


def clear(key: str) -> None:
    """Forget `key`'s current counters (seed 003's test reset)."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    keys = []
    for group, rate in _rules():
        period = 60 if rate.endswith("/m") else 1
        keys.append(_make_cache_key(group, _get_window(key, period), rate, key, ALL))
    try:
        cache.delete_many(keys)
    except Exception:  # noqa: BLE001 - a reset must not fail because the cache is down
        logger.warning("Could not clear rate-limit counters of %s", key)
