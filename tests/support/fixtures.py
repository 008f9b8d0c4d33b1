"""The fixtures every test folder uses (a pytest plugin, registered by tests/conftest.py):
the demo account and clients holding its keys, a payment, the task backend of production,
the live server (and Stripe's root port beside it), the official Stripe SDK pointed at it,
rate-limit windows held still, query ceilings and a webhook receiver.
Folder-specific fixtures stay in their folder's conftest.py."""

import time
from types import SimpleNamespace

import pytest
import stripe
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account
from core.periodic import schedule_maintenance
from tests.support import factories
from tests.support.bodies import PAYMENT_BODY
from tests.support.credentials import ADMIN_KEY, STANDARD_KEY, client_for
from tests.support.queries import query_ceilings
from tests.support.receiver import Receiver, serve, stop


@pytest.fixture(autouse=True)
def fresh_maintenance_trigger():
    """Each test starts like a fresh process: its first request asks whether maintenance is
    due (the trigger otherwise asks once a minute per process)."""
    schedule_maintenance.next_ask = 0.0


@pytest.fixture
def demo(db) -> Account:
    """The demo account of `seed_demo`, with its four keys and the `my_app` OAuth client."""
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    return Account.objects.get(public_id=DEMO_ACCOUNT_ID)


@pytest.fixture
def api(demo) -> APIClient:
    """A client holding the standard demo key (payments:read/write, refunds:write)."""
    return client_for(STANDARD_KEY)


@pytest.fixture
def admin_api(demo) -> APIClient:
    """A client holding the admin demo key (every scope)."""
    return client_for(ADMIN_KEY)


@pytest.fixture
def create_payment(api):
    """POST /v1/payments with the documented example body, overridden by keyword arguments."""

    def create(headers: dict | None = None, **overrides):
        body = {**PAYMENT_BODY, **overrides}
        return api.post("/v1/payments", body, format="json", headers=headers or {})

    return create


@pytest.fixture
def completed_payment(demo):
    """A settled 100.00 USD card payment of the demo account."""
    return factories.make_payment(demo)


@pytest.fixture
def database_tasks(settings):
    """The persistent task backend of production, instead of the tests' in-memory one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database exists so that it is
    stopped (closing its connections) before that database is dropped."""
    return live_server


@pytest.fixture
def sdk(live_server, demo, monkeypatch):
    """The `stripe` package, unchanged but for its key (the demo admin key) and `api_base`
    (the live server's `/stripe`); no retries, so each call is one request."""
    monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
    monkeypatch.setattr(stripe, "api_base", live_server.url + "/stripe")
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    return stripe


@pytest.fixture
def stripe_root(live_server, settings) -> str:
    """Stripe's format at the root of a port of its own: a second live server of the site,
    on a free port that this test's settings make `STRIPE_ROOT_PORT` (parallel test processes
    each have their own); its base URL, `http://127.0.0.1:<port>`. `live_server` serves the
    site on its usual port meanwhile."""
    server = LiveServer("127.0.0.1:0")
    settings.STRIPE_ROOT_PORT = server.thread.port
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    yield server.url
    server.stop()


@pytest.fixture
def frozen_windows(monkeypatch):
    """django-ratelimit's clock stops: a long series of requests stays inside one window of
    each rule, however the windows of its keys are staggered."""
    now = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: now))
    monkeypatch.setattr("api.ratelimit.time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def count_queries(django_assert_max_num_queries):
    """Assert two ceilings per request: every statement sent (`django_assert_max_num_queries`,
    transaction control included) and the data statements among them (SELECT, INSERT,
    UPDATE, DELETE: the "queries per request" of the performance targets)."""
    return query_ceilings(django_assert_max_num_queries)


@pytest.fixture
def receivers():
    """More webhook receivers: `receivers(delay=3.0)` starts one more (answering after
    `delay` seconds); all are stopped after the test."""
    started = []

    def start(delay: float = 0.0) -> Receiver:
        state = Receiver(url="", delay=delay)
        started.append(serve(state))
        return state

    yield start
    for server in started:
        stop(server)


@pytest.fixture
def receiver(receivers) -> Receiver:
    """A webhook receiver on 127.0.0.1 answering 200 (`tests.support.receiver.Receiver`)."""
    return receivers()
