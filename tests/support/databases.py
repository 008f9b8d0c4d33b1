"""Which tests run on which database: every test on SQLite, but those that need PostgreSQL;
on PostgreSQL those (`postgres`) and the modules below (`db_specific`), whose behaviour can
differ between the two databases. `make test` runs the two halves (see the Makefile)."""

import pytest

# Why each can differ:
DB_SPECIFIC = {
    "tests/core/test_sql.py": "hand-written SQL per database vendor (core.sql)",
    "tests/core/test_clock.py": "account clocks in SQL (core.clock.WallTime)",
    "tests/core/test_transactions.py": "savepoints and transactions",
    "tests/api/test_idempotency.py": "the claim's INSERT ... ON CONFLICT, row locks, counts",
    "tests/payments/test_services.py": "core.sql inserts and locked reads, transactions",
    "tests/payments/test_api.py": "statement counts of the hot path",
    "tests/payments/test_authorize_capture.py": "locks and expiry scans by SQL time arithmetic",
    "tests/payments/test_three_d_secure.py": "row locks of a decision, supersessions by UPDATE",
    "tests/payments/test_admin.py": "the dashboard's SQL date arithmetic, statement counts",
    "tests/refunds/test_services.py": "row locks on the payment, core.sql inserts",
    "tests/refunds/test_api.py": "statement counts of the hot path",
    "tests/webhooks_app/test_emission.py": "events inserted by core.sql",
    "tests/webhooks_app/test_delivery.py": "scans of due attempts by SQL time arithmetic",
    "tests/webhooks_app/test_chaos_and_clock.py": "account clocks in SQL (core.clock.WallTime)",
    "tests/webhooks_app/test_stripe_dialect.py": "event type filters by regular expression",
    "tests/stripe/test_search.py": "metadata searched by JSON key, matching regardless of case",
    "tests/stripe/test_expand.py": "a charge's refunds ranked by a window function",
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
