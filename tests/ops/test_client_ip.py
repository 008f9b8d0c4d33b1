"""The client IP behind a TLS proxy, and every control that uses it: per-IP rate limits
(failed authentication, OAuth), the /metrics allow-list, admin lockouts and the logs.

The proxy of these tests is 10.0.0.2 (a second one, 10.0.0.3, relays through it); clients are
documentation addresses (198.51.100.0/24 and 203.0.113.0/24)."""

import hmac
import json
import logging

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from rest_framework.test import APIClient

from api.client_ip import client_ip
from config.settings import env_networks
from core.logging import JSONFormatter, RequestIdFilter
from tests.support.credentials import STANDARD_KEY, client_for

PROXY = "10.0.0.2"
CLIENT, OTHER_CLIENT = "198.51.100.4", "203.0.113.7"


def ip_of(remote_addr: str, forwarded: str | None = None) -> str:
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra))


def via_proxy(client: str = CLIENT, *, before: str = "") -> dict:
    """What the proxy sends: the address it got the request from, appended to whatever
    X-Forwarded-For the client sent (`before`)."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{before}, {client}" if before
            else client}


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/30"]
    return settings


# --- the rule ---------------------------------------------------------------------------------
def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of(CLIENT) == CLIENT
    assert ip_of(PROXY, CLIENT) == PROXY


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert ip_of(OTHER_CLIENT, f"{CLIENT}, 10.0.0.3") == OTHER_CLIENT


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(behind_proxy):
    assert ip_of(PROXY, CLIENT) == CLIENT
    # Addresses the client prepended are left of the proxy's entry: never reached.
    assert ip_of(PROXY, f"{OTHER_CLIENT}, 10.0.0.3, {CLIENT}") == CLIENT


def test_a_chain_of_two_trusted_proxies_is_walked_back_to_the_client(settings):
    settings.TRUSTED_PROXIES = [f"{PROXY}/32", "172.16.0.0/12"]
    assert ip_of(PROXY, f"{OTHER_CLIENT}, {CLIENT}, 172.16.5.1") == CLIENT
    assert ip_of(PROXY, f"{CLIENT},172.16.5.1") == CLIENT  # spaces are optional


def test_what_no_trusted_proxy_wrote_stops_the_walk(behind_proxy):
    assert ip_of(PROXY) == PROXY  # the proxy itself (its health checks)
    assert ip_of(PROXY, "") == PROXY
    assert ip_of(PROXY, f"{CLIENT}, unknown") == PROXY
    assert ip_of(PROXY, "10.0.0.3") == "10.0.0.3"  # only proxies: the furthest one


def test_addresses_are_normalised(behind_proxy):
    assert ip_of("::ffff:10.0.0.2", CLIENT) == CLIENT  # a dual-stack socket's IPv4 peer
    assert ip_of(PROXY, "2001:DB8:0:0::7") == "2001:db8::7"
    assert ip_of("") == "" and ip_of("not-an-ip") == ""


def test_trusted_proxies_must_be_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1,2001:db8::/32")
    assert env_networks("TRUSTED_PROXIES", []) == ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        env_networks("TRUSTED_PROXIES", [])


# --- rate limits ------------------------------------------------------------------------------
@pytest.fixture
def limits(behind_proxy):
    from django.core.cache import cache

    behind_proxy.RATELIMIT_ENABLE = True
    behind_proxy.RATE_LIMIT_PER_MINUTE = 3
    behind_proxy.RATE_LIMIT_PER_SECOND = 100
    cache.clear()
    return behind_proxy


def test_failed_authentication_is_limited_per_client_behind_the_proxy(demo, limits):
    guesser = client_for("sk_test_wrong")
    assert [guesser.get("/v1/payments", **via_proxy()).status_code for _ in range(4)] == \
        [401, 401, 401, 429]
    # Prepending another address to X-Forwarded-For does not make a new client.
    spoofed = guesser.get("/v1/payments", **via_proxy(before=OTHER_CLIENT))
    assert spoofed.status_code == 429
    # Another client through the same proxy has its own counter.
    assert guesser.get("/v1/payments", **via_proxy(OTHER_CLIENT)).status_code == 401
    # A valid credential through the proxy counts as itself.
    assert client_for(STANDARD_KEY).get("/v1/payments", **via_proxy()).status_code == 200


def test_an_untrusted_peer_cannot_escape_its_counter_with_the_header(demo, limits):
    guesser = client_for("sk_test_wrong")
    statuses = [guesser.get("/v1/payments", REMOTE_ADDR=OTHER_CLIENT,
                            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_the_oauth_endpoints_are_limited_per_client_behind_the_proxy(demo, limits):
    anon = APIClient()

    def token(**meta):
        return anon.post("/v1/oauth/token", {"grant_type": "client_credentials"},
                         format="json", **meta).status_code

    assert [token(**via_proxy()) for _ in range(4)] == [401, 401, 401, 429]
    assert token(**via_proxy(OTHER_CLIENT)) == 401


def test_an_ipv6_client_is_counted_by_its_64(demo, limits):
    guesser = client_for("sk_test_wrong")
    statuses = [guesser.get("/v1/payments", **via_proxy(f"2001:db8:1:2::{n}")).status_code
                for n in range(1, 5)]
    assert statuses == [401, 401, 401, 429]
    assert guesser.get("/v1/payments", **via_proxy("2001:db8:1:3::1")).status_code == 401


# --- /metrics ---------------------------------------------------------------------------------
def test_metrics_behind_a_trusted_proxy_judge_the_client(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    scraper = client_for(None)
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 403
    # Claiming loopback by prepending it does not help; a scraper on the proxy's host does.
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=f"127.0.0.1, {OTHER_CLIENT}").status_code == 403
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200
    settings.METRICS_ALLOWED_NETWORKS = ["198.51.100.0/24"]
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=CLIENT).status_code == 200


def test_metrics_relayed_by_a_proxy_that_is_not_trusted_are_refused(db, settings):
    """A proxy on this host missing from TRUSTED_PROXIES: its peer address is loopback, but
    the request could come from anywhere."""
    settings.TRUSTED_PROXIES = []
    scraper = client_for(None)
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert scraper.get("/metrics", REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 403


def test_the_metrics_token_is_compared_in_constant_time(db, settings, monkeypatch):
    settings.METRICS_BEARER_TOKEN = "scrape-token"
    compared, original = [], hmac.compare_digest

    def compare_digest(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr("api.metrics.hmac.compare_digest", compare_digest)
    scraper = client_for(None)
    for sent, status in [("Bearer scrape-token", 200), ("Bearer scrape-tokeN", 403),
                         ("Bearer scrape", 403), ("", 403)]:
        headers = {"Authorization": sent} if sent else {}
        assert scraper.get("/metrics", headers=headers,
                           REMOTE_ADDR=OTHER_CLIENT).status_code == status
    assert len(compared) == 4


def test_metrics_and_health_answer_over_plain_http(db, settings):
    """Scrapers and load balancers probe over HTTP; everything else is redirected."""
    settings.SECURE_SSL_REDIRECT = True
    plain = client_for(None)
    assert plain.get("/metrics").status_code == 200
    assert plain.get("/v1/health").status_code == 200
    redirected = plain.get("/v1/payments")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")


# --- admin lockouts ---------------------------------------------------------------------------
def test_an_admin_lockout_behind_the_proxy_locks_out_one_client(client, django_user_model,
                                                                behind_proxy):
    django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ops", "password": "wrong"}, **via_proxy())
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}
    right = {"username": "ops", "password": "pw-ops-123"}
    assert client.post("/admin/login/", right, **via_proxy()).status_code == 429
    assert client.post("/admin/login/", right,
                       **via_proxy(before=OTHER_CLIENT)).status_code == 429
    # The same user from elsewhere, through the same proxy, still gets in.
    assert client.post("/admin/login/", right, **via_proxy(OTHER_CLIENT)).status_code == 302


# --- logs -------------------------------------------------------------------------------------
def test_log_records_carry_the_client_ip(api, behind_proxy, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="api.requests"):
        api.generic("GET", "/v1/payments", headers={"X-Request-Id": "trace-ip"},
                    QUERY_STRING="a=1&" * 1001, **via_proxy())  # too many fields: logged
    [record] = [r for r in caplog.records if r.name == "api.requests"]
    entry = json.loads(JSONFormatter().format(record))
    assert (entry["request_id"], entry["client_ip"]) == ("trace-ip", CLIENT)
