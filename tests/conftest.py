"""Shared fixtures: the demo account and its keys, and API clients that use them."""


import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account
from core.periodic import schedule_maintenance

STANDARD_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"
ADMIN_KEY = "demo_key_BQokikJOvBiI2HlWgH4olfQ2"
READONLY_KEY = "demo_key_readonly_9f8g7h6j5k4l3m2n"
EXPIRED_KEY = "demo_key_expired_key_do_not_use"

PAYMENT_BODY = {
    "amount": 49.99,
    "currency": "USD",
    "description": "Order #12345 - Premium Widget",
    "customer_email": "customer@example.com",
    "payment_method": "card",
    "metadata": {"order_id": "12345", "sku": "WIDGET-PRO-001"},
}


@pytest.fixture(autouse=True)
def fresh_maintenance_trigger():
    """Each test starts like a fresh process: its first request asks whether maintenance is
    due (the trigger otherwise asks once a minute per process)."""
    schedule_maintenance.next_ask = 0.0


@pytest.fixture
def demo(db) -> Account:
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    return Account.objects.get(public_id=DEMO_ACCOUNT_ID)


def client_for(secret: str | None) -> APIClient:
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api(demo) -> APIClient:
    """A client holding the standard demo key (payments:read/write, refunds:write)."""
    return client_for(STANDARD_KEY)


@pytest.fixture
def admin_api(demo) -> APIClient:
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
    from payments.services import payment_create

    return payment_create(account=demo, amount_minor=10000, currency="USD", description="d",
                          customer_email="a@example.com")


@pytest.fixture
def database_tasks(settings):
    """The persistent task backend of production, instead of the tests' in-memory one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database exists so that it is
    stopped (closing its connections) before that database is dropped."""
    return live_server


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture
def count_queries(django_assert_max_num_queries):
    """Assert two ceilings per request: every statement sent (`django_assert_max_num_queries`,
    transaction control included) and the data statements among them (SELECT, INSERT,
    UPDATE, DELETE: the "queries per request" of the performance targets)."""
    import contextlib

    @contextlib.contextmanager
    def check(*, statements: int, queries: int):
        with django_assert_max_num_queries(statements) as captured:
            yield captured
        data = [q["sql"] for q in captured.captured_queries
                if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]
        assert len(data) <= queries, "\n".join(data)

    return check


# Modules whose behaviour can differ between SQLite and PostgreSQL: they run in both halves of
# `make test` (the PostgreSQL half runs these and the `postgres` tests; everything else runs
# once, on SQLite). Why each can differ:
DB_SPECIFIC = {
    "tests/core/test_sql.py": "hand-written SQL per database vendor (core.sql)",
    "tests/api/test_idempotency.py": "the claim's INSERT ... ON CONFLICT, row locks, counts",
    "tests/payments/test_services.py": "core.sql inserts and locked reads, transactions",
    "tests/payments/test_api.py": "statement counts of the hot path",
    "tests/payments/test_authorize_capture.py": "locks and expiry scans by SQL time arithmetic",
    "tests/payments/test_admin.py": "the dashboard's SQL date arithmetic, statement counts",
    "tests/refunds/test_services.py": "row locks on the payment, core.sql inserts",
    "tests/refunds/test_api.py": "statement counts of the hot path",
    "tests/webhooks_app/test_emission.py": "events inserted by core.sql",
    "tests/webhooks_app/test_delivery.py": "scans of due attempts by SQL time arithmetic",
    "tests/webhooks_app/test_chaos_and_clock.py": "account clocks in SQL (core.clock.WallTime)",
    "tests/webhooks_app/test_stripe_dialect.py": "event type filters by regular expression",
    "tests/accounts/test_clock.py": "account clocks in SQL (core.clock.WallTime)",
    "tests/ops/test_upgrade.py": "migrations",
    "tests/ops/test_maintenance.py": "periodic scans and JSON lookups of task rows",
    "tests/oauth_app/test_query_counts.py": "statement counts",
    "tests/ratelimit/test_limits.py": "statement counts; Redis counting on the PostgreSQL half",
    "tests/tasks/test_celery_engine.py": "the task backends' rows",
}


def pytest_configure(config):
    missing = sorted(path for path in DB_SPECIFIC if not (config.rootpath / path).exists())
    if missing:  # a renamed module would silently lose its PostgreSQL run
        raise pytest.UsageError(f"DB_SPECIFIC names modules that do not exist: {missing}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.split("::")[0] in DB_SPECIFIC:
            item.add_marker(pytest.mark.db_specific)
