"""`api.ratelimit.counter_key` names the counters django-ratelimit itself writes: checked
against its public `get_usage`, over every second of two windows of each rule, so that an
upgrade that changes its keys or windows fails here (and `clear` would silently stop
clearing)."""

import ast
import inspect
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django_ratelimit.core import get_usage

from api import ratelimit

KEYS = ["apikey:1", "oauth:fam_3", "account:42", "ip:203.0.113.9", "ip:2001:db8::/64"]
RULES = [("api-minute", "100/m"), ("api-burst", "20/s"), ("account-minute", "300/m")]
START = 1_800_000_000  # a round minute


@pytest.fixture
def counting(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()


@pytest.mark.parametrize(("group", "rate"), RULES)
def test_counter_key_is_the_key_django_ratelimit_counts_under(counting, monkeypatch, group,
                                                            rate):
    request = SimpleNamespace(method="GET")
    for second in range(START, START + 121):
        for fraction in (0.0, 0.999):
            now = second + fraction
            monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda t=now: t))
            for key in KEYS:
                usage = get_usage(request, group=group, key=lambda _g, _r, k=key: k, rate=rate,
                                  increment=True)
                assert cache.get(ratelimit.counter_key(group, rate, key, now=now)) == \
                    usage["count"], (group, rate, key, now)


def test_clear_forgets_exactly_the_counters_of_the_keys_it_is_given(counting, settings,
                                                                     monkeypatch):
    settings.RATE_LIMIT_PER_MINUTE, settings.RATE_LIMIT_PER_SECOND = 5, 100
    clock = SimpleNamespace(time=lambda: START + 30.5)
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    monkeypatch.setattr("api.ratelimit.time", clock)
    request = SimpleNamespace(method="GET")
    for key in ("apikey:1", "apikey:2"):
        ratelimit.consume(request, key, account_key="account:1")
    ratelimit.clear(["apikey:1"])
    assert ratelimit.consume(request, "apikey:1", account_key="account:1").remaining == 4
    ceiling = ratelimit.counter_key("account-minute", "15/m", "account:1", now=clock.time())
    assert cache.get(ceiling) == 3  # the account's ceiling is never cleared
    assert ratelimit.consume(request, "apikey:2").remaining == 3


def test_no_private_helper_of_django_ratelimit_is_imported():
    tree = ast.parse(inspect.getsource(ratelimit))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("django_ratelimit") for alias in node.names]
    assert imported == ["get_usage"]
