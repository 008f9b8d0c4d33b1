"""A webhook receiver on 127.0.0.1 (tests/webhooks_app/conftest.py's)."""

import pytest

from tests.webhooks_app.conftest import Receiver, serve


@pytest.fixture
def receiver():
    state = Receiver(url="")
    server = serve(state)
    yield state
    server.shutdown()
    server.server_close()
