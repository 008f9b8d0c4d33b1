"""`/stripe/v1` is limited as Stripe's test mode is: `STRIPE_RATE_LIMIT_PER_SECOND` (25) reads a
second per key and, counted apart, as many writes (POST, DELETE); past either, 429
`rate_limit_error` with `Stripe-Should-Retry: true`. `/v1`'s limits are its own."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe
from django.core.cache import cache

from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.errors import stripe_error
from tests.support.factories import make_api_key, make_customer

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    return settings


def stripe_client(account):
    return client_for(make_api_key(account, ["payments:read", "payments:write"],
                                   name="rl").secret)


def create(api):
    return api.post("/stripe/v1/customers", "email=a%40example.com", content_type=FORM)


def test_writes_and_reads_are_counted_apart_and_the_limit_is_stripes_429(demo, limits,
                                                                         frozen_windows):
    limits.STRIPE_RATE_LIMIT_PER_SECOND = 3
    api = stripe_client(demo)
    assert [create(api).status_code for _ in range(3)] == [200] * 3
    refused = create(api)
    error = stripe_error(refused, 429, type="rate_limit_error", code="rate_limit")
    assert error["message"]
    assert refused["Stripe-Should-Retry"] == "true" and refused["Retry-After"] == "1"
    reads = [api.get("/stripe/v1/customers") for _ in range(4)]  # the writes spent none
    assert [r.status_code for r in reads] == [200, 200, 200, 429]
    assert [r["X-RateLimit-Remaining"] for r in reads[:3]] == ["2", "1", "0"]
    assert reads[0]["X-RateLimit-Limit"] == "3"
    deleted = api.delete("/stripe/v1/customers/cus_missing")  # a DELETE is a write
    stripe_error(deleted, 429, code="rate_limit")


def test_charges_payment_methods_and_setup_intents_count_under_stripes_limits(
        demo, limits, frozen_windows):
    """Each endpoint's reads spend the one per-second allowance of reads, its writes that of
    writes: Stripe's limits, whichever objects are asked for."""
    limits.STRIPE_RATE_LIMIT_PER_SECOND = 4
    api, customer = stripe_client(demo), make_customer(demo).public_id
    reads = [api.get(path) for path in (
        "/stripe/v1/charges", f"/stripe/v1/payment_methods?customer={customer}",
        f"/stripe/v1/customers/{customer}/payment_methods", "/stripe/v1/setup_intents",
        "/stripe/v1/charges")]
    assert [r.status_code for r in reads] == [200] * 4 + [429]
    assert [r["X-RateLimit-Remaining"] for r in reads[:4]] == ["3", "2", "1", "0"]
    writes = [api.post(path, body, content_type=FORM) for path, body in (
        ("/stripe/v1/payment_methods", "type=card&card[token]=tok_visa"),
        ("/stripe/v1/setup_intents", f"customer={customer}"),
        ("/stripe/v1/payment_methods/pm_card_visa/attach", f"customer={customer}"),
        ("/stripe/v1/charges/ch_missing", "description=x"),
        ("/stripe/v1/setup_intents", f"customer={customer}"))]
    assert [w.status_code for w in writes] == [200, 200, 200, 404, 429]
    refused = stripe_error(writes[-1], 429, type="rate_limit_error", code="rate_limit")
    assert refused["message"] and writes[-1]["Stripe-Should-Retry"] == "true"


def test_stripe_requests_spend_nothing_of_v1s_limits(demo, limits, frozen_windows):
    limits.STRIPE_RATE_LIMIT_PER_SECOND = 2
    limits.RATE_LIMIT_PER_MINUTE = 5
    api = stripe_client(demo)
    for _ in range(3):
        create(api)
    assert create(api).status_code == 429
    v1 = api.get("/v1/payments")
    assert v1.status_code == 200 and v1["X-RateLimit-Remaining"] == "4"
    assert "Stripe-Should-Retry" not in v1


def test_failed_authentication_on_stripe_is_limited_per_client_ip_in_stripes_shape(
        demo, limits, frozen_windows):
    limits.STRIPE_RATE_LIMIT_PER_SECOND = 2
    guesser = client_for("sk_test_wrong")
    for _ in range(2):
        stripe_error(guesser.get("/stripe/v1/customers"), 401, type="authentication_error")
    refused = guesser.get("/stripe/v1/customers")
    stripe_error(refused, 429, type="rate_limit_error", code="rate_limit")
    assert refused["Stripe-Should-Retry"] == "true"


def test_the_accounts_ceiling_holds_on_stripe_too(demo, limits, frozen_windows):
    limits.STRIPE_RATE_LIMIT_PER_SECOND = 2
    limits.RATE_LIMIT_ACCOUNT_MULTIPLIER = 2
    keys = [stripe_client(demo) for _ in range(3)]
    statuses = [create(api).status_code for api in keys for _ in range(2)]
    assert statuses == [200] * 4 + [429] * 2


def _call(make):
    """(the answer's headers, the 429 refusing it or None) of one SDK call."""
    try:
        return make().last_response.headers, None
    except stripe.RateLimitError as refused:
        return refused.headers, refused


@pytest.mark.django_db(transaction=True)
def test_the_sdk_gets_25_writes_a_second_then_429_and_its_reads_are_apart(demo, live_server,
                                                                         limits, monkeypatch):
    """Stripe's real numbers, against a live server: of 26 writes sent at once within one
    second, 25 pass and one is refused with `Stripe-Should-Retry` (the SDK would retry it:
    retries are off here); a read in that second passes, counted apart. The second each
    request was counted in is the one its `X-RateLimit-Reset` ends: a burst that straddled
    two is sent again, in a new second."""
    assert limits.STRIPE_RATE_LIMIT_PER_SECOND == 25  # the default, not a test setting
    monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
    monkeypatch.setattr(stripe, "api_base", live_server.url + "/stripe")
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    stripe.Customer.list(limit=1)  # the server's first request: its connections warmed up
    calls = [lambda n=n: stripe.Customer.create(email=f"c{n}@example.com") for n in range(26)]
    calls.append(lambda: stripe.Customer.list(limit=1))
    with ThreadPoolExecutor(max_workers=9) as pool:
        for _attempt in range(5):
            time.sleep(1 - time.time() % 1 + 0.01)  # at the start of a second
            *writes, read = pool.map(_call, calls)
            if len({headers["X-RateLimit-Reset"] for headers, _ in [*writes, read]}) == 1:
                break
            time.sleep(1.1)  # the straddled seconds' counters are behind us
        else:
            pytest.fail("no burst of 26 writes fell within one second in 5 tries")
    refused = [error for _, error in writes if error is not None]
    assert len(refused) == 1 and read[1] is None
    assert sorted(int(headers["X-RateLimit-Remaining"]) for headers, error in writes
                  if error is None) == list(range(25))
    assert read[0]["X-RateLimit-Remaining"] == "24"
    [error] = refused
    assert error.http_status == 429 and error.error.code == "rate_limit"
    assert error.headers["Stripe-Should-Retry"] == "true" and error.headers["Retry-After"]
    assert json.loads(error.http_body)["error"]["type"] == "rate_limit_error"
