"""The webhook receiver of tests/webhooks_app, for the Stripe SDK's webhook test."""

from tests.webhooks_app.conftest import receiver  # noqa: F401 - a fixture
