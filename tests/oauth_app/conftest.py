"""The OAuth tests' client: one with no credentials, as an OAuth client app starts."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def anon(demo) -> APIClient:
    """A client without credentials (the demo account, with its `my_app`, exists)."""
    return APIClient()
