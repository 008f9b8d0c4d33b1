"""A webhook receiver on 127.0.0.1 (tests/webhooks_app/conftest.py's)."""

from tests.webhooks_app.conftest import receiver  # noqa: F401 - a fixture
