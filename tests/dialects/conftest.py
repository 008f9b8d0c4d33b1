"""The dialects' fixtures: the official Stripe SDK pointed at a live server."""

import pytest
import stripe

from tests.support.credentials import ADMIN_KEY


@pytest.fixture
def sdk(live_server, demo, monkeypatch):
    """The `stripe` package, unchanged but for its key (the demo admin key) and `api_base`
    (the live server's `/stripe`); no retries, so each call is one request."""
    monkeypatch.setattr(stripe, "api_key", ADMIN_KEY)
    monkeypatch.setattr(stripe, "api_base", live_server.url + "/stripe")
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    return stripe
