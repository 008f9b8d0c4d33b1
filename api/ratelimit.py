"""Rate limits per credential and per account (per client IP for unauthenticated requests).

django-ratelimit does the counting in the shared cache (Redis in production); this module
asks it once per request, with `increment=True`, for each rule of the request's surface
(`Surface.rate_limits`): by default (`MINUTE_AND_BURST`) `RATE_LIMIT_PER_MINUTE` and a burst
of `RATE_LIMIT_PER_SECOND` per credential; Stripe's test-mode limits on `/stripe/v1`
(`ReadsAndWrites`), so many reads a second and, counted apart, so many writes. Then the same
rules times `RATE_LIMIT_ACCOUNT_MULTIPLIER` for all the credentials of the account together,
so that minting more keys or tokens does not multiply an account's allowance. A request its
credential's limits refuse is not counted against the account: one runaway credential cannot
use up its siblings' allowance. The headers describe the credential's first rule: the
per-minute window by default.

Clearing counters (`clear`) needs their cache keys, which django-ratelimit does not expose:
`counter_key` computes them as django-ratelimit 4.1 does (its version is pinned in
pyproject.toml, and tests/ratelimit/test_counter_keys.py checks the two agree).

On Redis (django-redis) the rules are counted by one Lua script instead: the same counters
under the same keys, in one round trip where django-ratelimit takes two per rule (add, then
incr) - eight per request (docs/performance.md). Other caches (the embedded default's
local memory) are counted by django-ratelimit itself.
"""

import hashlib
import ipaddress
import logging
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_ratelimit.core import get_usage
from rest_framework.exceptions import Throttled

from api.client_ip import client_ip
from core import context
from core.errors import ServiceError

logger = logging.getLogger(__name__)

MINUTE_GROUP = "api-minute"
BURST_GROUP = "api-burst"
ACCOUNT_MINUTE_GROUP = "account-minute"
ACCOUNT_BURST_GROUP = "account-burst"
# django-ratelimit keeps a counter this much longer than its window (its EXPIRATION_FUDGE).
EXPIRATION_FUDGE = 5
# A credential unused for this long has no counter in the current windows.
LONGEST_WINDOW_SECONDS = 60
ACCOUNT_THROTTLED = ("Request was throttled: the keys and tokens of this account together "
                     "are over the account's limit.")
_PERIODS = {"s": 1, "m": 60}  # the units of our rules' rates
# An IPv6 client usually holds a whole /64: counting each address apart would let it multiply
# its allowance (django-ratelimit's own `ip` key masks the same way).
IPV6_PREFIX = 64
WRITE_METHODS = frozenset({"POST", "DELETE"})  # what Stripe counts as writes


class RateLimiterUnavailable(ServiceError):
    status = 503
    type = "api_error"
    code = "rate_limiter_unavailable"


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset: int  # Unix time at which the window of the first rule ends

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


type Rules = tuple[tuple[str, str], ...]  # (group, rate) of each rule, the first one first


class Limits:
    """What a surface allows one credential (or client IP): the rules a request is counted
    under, and the account's ceiling, the same rules `RATE_LIMIT_ACCOUNT_MULTIPLIER` times
    over. Read from the settings at each request (tests change them)."""

    def rules(self, request, *, account: bool = False) -> Rules:
        raise NotImplementedError


class MinuteAndBurst(Limits):
    """`RATE_LIMIT_PER_MINUTE`, and a burst of `RATE_LIMIT_PER_SECOND`, whatever the request."""

    def rules(self, request, *, account: bool = False) -> Rules:
        if not account:
            return (
                (MINUTE_GROUP, f"{settings.RATE_LIMIT_PER_MINUTE}/m"),
                (BURST_GROUP, f"{settings.RATE_LIMIT_PER_SECOND}/s"),
            )
        times = settings.RATE_LIMIT_ACCOUNT_MULTIPLIER
        return (
            (ACCOUNT_MINUTE_GROUP, f"{settings.RATE_LIMIT_PER_MINUTE * times}/m"),
            (ACCOUNT_BURST_GROUP, f"{settings.RATE_LIMIT_PER_SECOND * times}/s"),
        )


@dataclass(frozen=True)
class ReadsAndWrites(Limits):
    """So many reads a second and, counted apart, so many writes (POST, DELETE): Stripe's
    test-mode limits. `setting` names the number; `group` names the counters."""

    setting: str
    group: str

    def rules(self, request, *, account: bool = False) -> Rules:
        kind = "write" if request.method in WRITE_METHODS else "read"
        per_second = getattr(settings, self.setting)
        if account:
            per_second *= settings.RATE_LIMIT_ACCOUNT_MULTIPLIER
        return ((f"{'account-' if account else ''}{self.group}-{kind}", f"{per_second}/s"),)


MINUTE_AND_BURST = MinuteAndBurst()


def client_ip_key(request) -> str:
    """The counter of a request without a valid credential: its client IP (the client's
    behind trusted proxies, see `api.client_ip`), an IPv6 client's /64."""
    address = client_ip(request)
    if ":" in address:
        address = str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return f"ip:{address}"


def account_key_for(account) -> str:
    return f"account:{account.pk}"


def _usages(request, key: str, rules) -> list[dict] | None:
    """This request counted under each rule; None when django-ratelimit could not count."""
    usages = [
        get_usage(request, group=group, key=lambda _group, _request: key, rate=rate,
                  increment=True)
        for group, rate in rules
    ]
    return None if None in usages else usages


# Counts each rule's key (INCR; a new counter expires with its window, as django-ratelimit's
# `cache.add` makes it); the rules after the credential's first `own` (the account's ceiling)
# only when those let the request through. ARGV: `own`, each key's limit, then its TTL.
_COUNT_SCRIPT = """
local own = tonumber(ARGV[1])
local counts = {}
for i = 1, #KEYS do
  if i == own + 1 then
    for j = 1, own do
      if counts[j] > tonumber(ARGV[1 + j]) then return counts end
    end
  end
  counts[i] = redis.call('INCR', KEYS[i])
  if counts[i] == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1 + #KEYS + i]) end
end
return counts
"""
_scripts = {}  # per Redis client: its registered script (EVALSHA, EVAL once if unknown)


def _redis_client(cache):
    """The Redis client behind a django-redis cache, or None for any other cache."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return get_client(write=True) if get_client is not None else None


def _counted_by_script(client, cache, targets) -> list[list[dict]]:
    """`targets` = [(key, rules), ...] counted in one round trip; per target its usages
    (empty for a ceiling the credential's limits made unnecessary)."""
    now = time.time()
    keys, limits, ttls, shapes = [], [], [], []
    for key, rules in targets:
        for group, rate in rules:
            limit, period = _limit_and_period(rate)
            window = _window(key, period, now)
            keys.append(cache.make_key(_hashed(group, limit, period, key, window)))
            limits.append(limit)
            ttls.append(period + EXPIRATION_FUDGE)
            shapes.append((limit, window - int(now)))
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_COUNT_SCRIPT)
    split = len(targets[0][1])
    counts = script(keys=keys, args=[split, *limits, *ttls], client=client)
    usages = [{"count": count, "limit": limit, "should_limit": count > limit,
               "time_left": time_left}
              for count, (limit, time_left) in zip(counts, shapes, strict=False)]
    return [usages[:split], usages[split:]]


def _seconds_left(usage: dict) -> int:
    """Until the rule's next window: django-ratelimit's window ends with the whole second
    its `time_left` counts down to (0 in the window's last second)."""
    return max(0, usage["time_left"]) + 1


def consume(request, key: str, *, account_key: str | None = None,
            limits: Limits = MINUTE_AND_BURST) -> Usage | None:
    """Count this request against `key`'s `limits` and, if they let it through, against
    `account_key`'s ceiling; raise Throttled (429) past any of them.

    Returns the usage of `key`'s first rule for the response headers, or None when limiting
    is off or the cache failed and `RATE_LIMIT_FAIL_OPEN` lets the request through.
    """
    if not settings.RATELIMIT_ENABLE:
        return None
    ceiling = []
    try:
        cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
        client = _redis_client(cache)
        if client is not None:
            targets = [(key, limits.rules(request))]
            if account_key is not None:
                targets.append((account_key, limits.rules(request, account=True)))
            credential, ceiling = _counted_by_script(client, cache, targets)
        else:
            credential = _usages(request, key, limits.rules(request))
            if credential is not None and account_key is not None and not any(
                    usage["should_limit"] for usage in credential):
                ceiling = _usages(request, account_key, limits.rules(request, account=True))
    except Exception as exc:  # the cache is down: the configured policy decides
        return _cache_failed(exc)
    if credential is None or ceiling is None:
        return _cache_failed(None)
    first = credential[0]
    usage = Usage(
        limit=first["limit"],
        remaining=max(0, first["limit"] - first["count"]),
        reset=int(time.time()) + _seconds_left(first),
    )
    request_context = context.current()
    if request_context is not None:
        request_context.rate_limit = usage
    for rule in credential:
        if rule["should_limit"]:
            raise Throttled(wait=_seconds_left(rule))
    for rule in ceiling:
        if rule["should_limit"]:
            raise Throttled(wait=_seconds_left(rule), detail=ACCOUNT_THROTTLED)
    return usage


def _cache_failed(exc: Exception | None) -> None:
    logger.warning("Rate limiter unavailable (%s); failing %s", exc or "no count",
                   "open" if settings.RATE_LIMIT_FAIL_OPEN else "closed")
    if settings.RATE_LIMIT_FAIL_OPEN:
        return None
    raise RateLimiterUnavailable("The rate limiter is unavailable; retry shortly.")


def counter_key(group: str, rate: str, key: str, *, now: float) -> str:
    """The cache key of the counter django-ratelimit's `get_usage(group=group, rate=rate,
    key=<key>)` (every method) uses at the time `now`.

    Its fixed windows: one second long for "N/s", else staggered per key by the key's CRC32
    so that all minutes do not end together. The cache key is "rl:" and the SHA-256 of
    group, rate (as "N/60s"), key and window end: django-ratelimit's default prefix and hash
    (our settings set neither RATELIMIT_CACHE_PREFIX nor RATELIMIT_HASH_ALGORITHM).
    """
    limit, period = _limit_and_period(rate)
    return _hashed(group, limit, period, key, _window(key, period, now))


def _limit_and_period(rate: str) -> tuple[int, int]:
    limit, unit = rate.split("/")
    return int(limit), _PERIODS[unit]


def _window(key: str, period: int, now: float) -> int:
    second = int(now)
    if period == 1:
        return second
    window = second - second % period + zlib.crc32(key.encode()) % period
    return window + period if window < second else window


def _hashed(group: str, limit: int, period: int, key: str, window: int) -> str:
    parts = f"{group}{limit}/{period}s{key}{window}"
    return "rl:" + hashlib.sha256(parts.encode()).hexdigest()


def clear(keys: Iterable[str]) -> None:
    """Forget the current counters of the credentials `keys` (the test reset): one cache
    call. An account's ceiling is never cleared: resets must not lift an account over it.
    Only the default limits' counters: other surfaces' per-second ones end within the
    second anyway."""
    targets = [(key, MINUTE_AND_BURST.rules(None)) for key in keys]
    now = time.time()
    cache_keys = [
        counter_key(group, rate, key, now=now)
        for key, rules in targets
        for group, rate in rules
    ]
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        cache.delete_many(cache_keys)
    except Exception:  # noqa: BLE001 - a reset must not fail because the cache is down
        logger.warning("Could not clear %d rate-limit counters", len(cache_keys))
