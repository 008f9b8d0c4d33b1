"""Test settings: the production settings with fast hashing and tasks kept for inspection."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")

# Parallel test processes (pytest-xdist's gw0, gw1, ...) share one Redis: each takes two
# databases of its own (its cache, and after it Celery's broker), so that one's rate-limit
# counters and queues are not another's. Set before the settings read it, and in the
# environment that live-server processes inherit.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _server = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    os.environ["REDIS_URL"] = f"{_server}/{2 + 2 * int(_worker[2:])}"

from config.settings import *  # noqa: E402,F403

# Tasks are recorded, not run: tests run them explicitly, as the worker would.
# (Live-server tests run real workers: they set TASKS_BACKEND for their processes.)
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND if os.environ.get("TASKS_BACKEND")  # noqa: F405
        else "django.tasks.backends.dummy.DummyBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
        "OPTIONS": TASKS_OPTIONS if os.environ.get("TASKS_BACKEND") else {},  # noqa: F405
    }
}
# Tests fire requests far faster than 20 a second; the rate-limit tests turn limiting on.
RATELIMIT_ENABLE = os.environ.get("RATELIMIT_ENABLE", "0") == "1"
WEBHOOKS_ALLOW_PRIVATE_URLS = True  # test receivers listen on 127.0.0.1
# Every test's receiver is 127.0.0.1: the pacing per host is tested where it is the subject.
WEBHOOK_HOST_RATE_PER_SECOND = int(os.environ.get("WEBHOOK_HOST_RATE_PER_SECOND", "100000"))
SECURE_SSL_REDIRECT = False  # test servers speak plain HTTP on 127.0.0.1
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOW_DEMO_DATA = True

# A file, not SQLite's in-memory default: live-server threads then get connections of their
# own, as they do on PostgreSQL, instead of sharing one across threads.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"payments-test-{os.getpid()}.sqlite3")
    }

# Server threads of live-server tests must not keep connections open past their request,
# or the test database cannot be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
