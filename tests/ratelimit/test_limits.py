"""Rate limits per credential, per account and per client IP, in every surface's error shape
(single process, local cache)."""

import time
import uuid
import zlib
from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches
from django_ratelimit.core import get_usage
from rest_framework.test import APIClient

from accounts.models import ApiKey
from tests.support.credentials import (
    ADMIN_KEY,
    STANDARD_KEY,
    client_for,
    devdraft_client,
    uqpay_client,
)
from tests.support.factories import make_api_key


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_PER_MINUTE = 5
    settings.RATE_LIMIT_PER_SECOND = 100
    cache.clear()
    return settings


def fresh_key(account, scopes=("payments:read", "payments:write", "refunds:write")):
    return make_api_key(account, scopes, name="rl").secret


def client_credentials_token(**body):
    body = {"grant_type": "client_credentials", "client_id": "my_app",
            "client_secret": "my_secret", **body}
    response = APIClient().post("/v1/oauth/token", body, format="json",
                                REMOTE_ADDR=f"10.0.0.{uuid.uuid4().int % 250}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def start_of_a_second():
    """Wait for a new second, so a quick series of requests stays inside one."""
    time.sleep(1 - time.time() % 1 + 0.01)


def test_headers_count_down_and_the_limit_answers_429(demo, limits):
    api = client_for(fresh_key(demo))
    seen = []
    for _ in range(5):
        response = api.get("/v1/payments")
        assert response.status_code == 200
        seen.append(int(response["X-RateLimit-Remaining"]))
        assert response["X-RateLimit-Limit"] == "5"
        assert 0 < int(response["X-RateLimit-Reset"]) - time.time() <= 61
    assert seen == [4, 3, 2, 1, 0]
    refused = api.get("/v1/payments")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["type"], error["code"], error["status"]) == (
        "rate_limit_error", "rate_limit_exceeded", 429)
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert refused["X-RateLimit-Remaining"] == "0"


def test_in_a_windows_last_second_the_reset_is_the_next_second(demo, limits, monkeypatch):
    """django-ratelimit's window counts the whole second its `time_left` reaches 0 in."""
    key, secret = make_api_key(demo, ["payments:read"], name="rl")
    window_end = 1_800_000_000 + zlib.crc32(f"apikey:{key.pk}".encode()) % 60
    clock = SimpleNamespace(time=lambda: window_end + 0.9)
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    monkeypatch.setattr("api.ratelimit.time", clock)
    api = client_for(secret)
    for _ in range(5):
        assert api.get("/v1/payments")["X-RateLimit-Reset"] == str(window_end + 1)
    assert api.get("/v1/payments")["Retry-After"] == "1"


def test_the_burst_rule_trips_on_its_own(demo, limits):
    limits.RATE_LIMIT_PER_MINUTE = 100
    limits.RATE_LIMIT_PER_SECOND = 3
    api = client_for(fresh_key(demo))
    start_of_a_second()
    statuses = [api.get("/v1/payments").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    time.sleep(1.05)
    assert api.get("/v1/payments").status_code == 200


def test_each_credential_has_its_own_counters(demo, limits):
    first, second = client_for(fresh_key(demo)), client_for(fresh_key(demo))
    for _ in range(5):
        first.get("/v1/payments")
    assert first.get("/v1/payments").status_code == 429
    assert second.get("/v1/payments").status_code == 200


def test_refused_requests_are_counted_too(demo, limits):
    reader = client_for(fresh_key(demo, scopes=["payments:read"]))
    for _ in range(5):
        assert reader.post("/v1/payments", {}, format="json").status_code == 403
    assert reader.get("/v1/payments").status_code == 429


@pytest.mark.parametrize("secret", ["sk_test_wrong", "tok_wrong", None])
def test_failed_authentication_is_limited_per_client_ip(demo, limits, secret):
    """Wrong API keys, unknown tokens or no credential at all: 401 until the client IP is
    over the limit, then 429 in the /v1 envelope."""
    guesser = client_for(secret)
    for _ in range(5):
        response = guesser.get("/v1/payments")
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "authentication_error"
    refused = guesser.get("/v1/payments")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["type"], error["code"], error["status"]) == (
        "rate_limit_error", "rate_limit_exceeded", 429)
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert guesser.get("/v1/payments", REMOTE_ADDR="10.9.8.7").status_code == 401
    # A valid credential from the same address is counted as itself, not as the address.
    assert client_for(STANDARD_KEY).get("/v1/payments").status_code == 200


def test_failed_authentication_answers_429_in_the_devdraft_shape(demo, limits):
    guesser = devdraft_client(secret="wrong")
    for _ in range(5):
        response = guesser.get("/api/v0/test-payment/pay_nope")
        assert response.status_code == 401 and response.json()["statusCode"] == 401
    refused = guesser.get("/api/v0/test-payment/pay_nope")
    assert refused.status_code == 429
    assert set(refused.json()) == {"statusCode", "message"}
    assert refused.json()["statusCode"] == 429 and int(refused["Retry-After"]) >= 1


def test_the_dialects_answer_429_in_their_own_shapes(demo, limits):
    devdraft = devdraft_client()
    for _ in range(5):
        devdraft.get("/api/v0/test-payment/pay_nope")
    response = devdraft.get("/api/v0/test-payment/pay_nope")
    assert response.status_code == 429
    assert response.json()["statusCode"] == 429 and "Retry-After" in response

    response = uqpay_client().get("/api/v2/payment/refunds/ref_nope")  # the same key: spent
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limit_exceeded"


def test_oauth_endpoints_are_limited_per_client_ip(demo, limits):
    anon = APIClient()
    for _ in range(5):
        response = anon.post("/v1/oauth/token", {"grant_type": "client_credentials"}, format="json")
        assert response.status_code == 401
        assert "X-RateLimit-Remaining" in response
    response = anon.post("/v1/oauth/token", {"grant_type": "client_credentials"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limit_exceeded"
    other_ip = anon.post("/v1/oauth/token", {"grant_type": "client_credentials"},
                         format="json", REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 401


def test_oauth_tokens_are_limited_per_authorization(demo, limits):
    token = APIClient().post("/v1/oauth/token", {"grant_type": "client_credentials",
                                                  "client_id": "my_app",
                                                  "client_secret": "my_secret"},
                             format="json").json()
    api = client_for(token["access_token"])
    for _ in range(5):
        assert api.get("/v1/payments").status_code == 200
    assert api.get("/v1/payments").status_code == 429


def test_test_reset_clears_the_callers_counters(demo, limits):
    """A key that spent some of its minute has all of it again after a reset."""
    admin = client_for(ADMIN_KEY)
    for _ in range(3):
        admin.get("/v1/payments")
    response = admin.post("/v1/test/reset", headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 200
    assert admin.get("/v1/payments")["X-RateLimit-Remaining"] == "4"


def test_test_reset_frees_every_credential_but_not_the_accounts_ceiling(demo, limits,
                                                                       frozen_windows):
    """Every API key's and OAuth token family's counters are cleared (a key that hit its own
    limit is free again), the account's ceiling (5 × 3 = 15) is not."""
    admin, key = client_for(ADMIN_KEY), client_for(fresh_key(demo))
    token = client_for(client_credentials_token())
    for spender in (key, token):
        for _ in range(5):
            assert spender.get("/v1/payments").status_code == 200
    assert key.get("/v1/payments").status_code == 429  # its own limit
    for _ in range(3):
        assert admin.get("/v1/payments").status_code == 200
    # The 14th request of the account: one is left under its ceiling.
    assert admin.post("/v1/test/reset",
                      headers={"Idempotency-Key": uuid.uuid4().hex}).status_code == 200
    freed = key.get("/v1/payments")
    assert freed.status_code == 200 and freed["X-RateLimit-Remaining"] == "4"
    refused = token.get("/v1/payments")
    assert refused.status_code == 429  # the account's 16th: over its ceiling
    assert "account" in refused.json()["error"]["message"]
    assert refused["X-RateLimit-Remaining"] == "4"  # the token itself was freed


def test_no_sequence_of_resets_lifts_an_account_over_its_ceiling(demo, limits,
                                                                  frozen_windows):
    """A burst with a reset after every few requests: in one window the account's requests
    that pass, resets included, are at most its ceiling (15), however the resets fall."""
    admin = client_for(ADMIN_KEY)
    keys = [client_for(fresh_key(demo)) for _ in range(3)]
    passed = 0
    for _ in range(10):
        for api in keys:
            passed += sum(api.get("/v1/payments").status_code == 200 for _ in range(3))
        reset = admin.post("/v1/test/reset", headers={"Idempotency-Key": uuid.uuid4().hex})
        passed += reset.status_code == 200
        assert reset.status_code in (200, 429)
    assert passed == 15


def test_three_tokens_of_one_client_share_the_accounts_ceiling(demo, limits, frozen_windows):
    """Minting more tokens does not multiply the allowance: 5 a minute per token, 15 for
    the account (RATE_LIMIT_ACCOUNT_MULTIPLIER = 3), whatever the number of tokens."""
    tokens = [client_for(client_credentials_token()) for _ in range(4)]
    for api in tokens[:3]:
        for _ in range(5):
            response = api.get("/v1/payments")
            assert response.status_code == 200
            assert response["X-RateLimit-Limit"] == "5"
    refused = tokens[3].get("/v1/payments")
    assert refused.status_code == 429
    assert "account" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) >= 1
    assert refused["X-RateLimit-Limit"] == "5" and refused["X-RateLimit-Remaining"] == "4"
    assert client_for(STANDARD_KEY).get("/v1/payments").status_code == 429  # keys too


def test_the_accounts_burst_ceiling(demo, limits, frozen_windows):
    limits.RATE_LIMIT_PER_MINUTE = 100
    limits.RATE_LIMIT_PER_SECOND = 2
    tokens = [client_for(client_credentials_token()) for _ in range(4)]
    statuses = [api.get("/v1/payments").status_code for api in tokens for _ in range(2)]
    assert statuses == [200] * 6 + [429] * 2


def test_a_credential_over_its_own_limit_does_not_spend_the_accounts(demo, limits,
                                                                      frozen_windows):
    runaway = client_for(fresh_key(demo))
    assert [runaway.get("/v1/payments").status_code for _ in range(20)] == [200] * 5 + [429] * 15
    for api in (client_for(fresh_key(demo)), client_for(fresh_key(demo))):
        assert [api.get("/v1/payments").status_code for _ in range(5)] == [200] * 5


def test_disabled_limits_send_no_headers(demo, limits):
    limits.RATELIMIT_ENABLE = False
    response = client_for(STANDARD_KEY).get("/v1/payments")
    assert response.status_code == 200 and "X-RateLimit-Limit" not in response


class TestCacheFailure:
    @pytest.fixture
    def broken_cache(self, monkeypatch):
        def explode(*args, **kwargs):
            raise ConnectionError("Redis is down")

        monkeypatch.setattr("api.ratelimit.get_usage", explode)  # local memory
        monkeypatch.setattr("api.ratelimit._counted_by_script", explode)  # Redis

    def test_fails_open_by_default(self, demo, limits, broken_cache):
        response = client_for(STANDARD_KEY).get("/v1/payments")
        assert response.status_code == 200 and "X-RateLimit-Limit" not in response

    def test_can_fail_closed(self, demo, limits, broken_cache):
        limits.RATE_LIMIT_FAIL_OPEN = False
        response = client_for(STANDARD_KEY).get("/v1/payments")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "rate_limiter_unavailable"


def _redis_client():
    from api.ratelimit import _redis_client
    return _redis_client(caches["default"])


@pytest.mark.skipif("_redis_client() is not None", reason="local-memory cache only")
def test_the_limiter_costs_no_query_and_eight_cache_calls(demo, limits, monkeypatch,
                                                          django_assert_num_queries):
    api = client_for(fresh_key(demo))
    api.get("/v1/payments")  # first request of the window: adds, no increments
    calls = []
    default = caches["default"]
    for name in ("add", "incr", "get", "set"):
        original = getattr(default, name)
        monkeypatch.setattr(default, name, lambda *a, _o=original, _n=name, **k: (
            calls.append(_n), _o(*a, **k))[1])
    with django_assert_num_queries(3):  # authentication, count, page: as without limits
        api.get("/v1/payments")
    # add+incr per rule (the key's two, the account's two); a request opening a new window
    # of a rule needs no incr for it
    rules = "".join("|" + call if call == "add" else "+" + call for call in calls).split("|")[1:]
    assert len(rules) == 4 and set(rules) <= {"add", "add+incr"}


@pytest.mark.skipif("_redis_client() is None", reason="Redis only")
def test_on_redis_the_limiter_is_one_round_trip_on_django_ratelimits_counters(
        demo, limits, monkeypatch, django_assert_num_queries):
    """Four rules counted by one script call, under the keys django-ratelimit reads."""
    api = client_for(fresh_key(demo))
    api.get("/v1/payments")  # the key's first use is recorded (an UPDATE), once a minute
    client = _redis_client()
    commands = []
    original = client.execute_command
    monkeypatch.setattr(client, "execute_command", lambda *a, **k: (
        commands.append(a[0]), original(*a, **k))[1])
    with django_assert_num_queries(3):  # authentication, count, page: as without limits
        response = api.get("/v1/payments")
    assert commands in (["EVALSHA"], ["EVALSHA", "EVAL"])  # EVAL once, if the script is new
    assert response["X-RateLimit-Remaining"] == "3"
    for _ in range(3):
        api.get("/v1/payments")
    assert api.get("/v1/payments").status_code == 429
    key = f"apikey:{ApiKey.objects.latest('pk').pk}"
    usage = get_usage(SimpleNamespace(method="GET"), group="api-minute",
                      key=lambda _g, _r: key, rate="5/m")
    assert usage["count"] == 6  # the counter django-ratelimit itself reads
