"""The demo account's keys (made by `seed_demo`) and API clients holding them."""

from rest_framework.test import APIClient

STANDARD_KEY = "demo_key_4eC39HqLyjWDarjtT1zdp7dc"  # payments:read/write, refunds:write
ADMIN_KEY = "demo_key_BQokikJOvBiI2HlWgH4olfQ2"  # every scope
READONLY_KEY = "demo_key_readonly_9f8g7h6j5k4l3m2n"  # payments:read
EXPIRED_KEY = "demo_key_expired_key_do_not_use"  # inactive, expired in 2024

# The client ids of the keys above, which the devdraft and UQPay surfaces send with them.
STANDARD_CLIENT_ID = "demo_client_standard"
ADMIN_CLIENT_ID = "demo_client_admin"
READONLY_CLIENT_ID = "demo_client_readonly"


def client_for(secret: str | None) -> APIClient:
    """A client sending `Authorization: Bearer <secret>` (none without a secret)."""
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def devdraft_client(client_id: str = STANDARD_CLIENT_ID,
                    secret: str = STANDARD_KEY) -> APIClient:
    """A client of `/api/v0` sending the devdraft headers `x-client-key`/`x-client-secret`."""
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_KEY=client_id, HTTP_X_CLIENT_SECRET=secret)
    return client


def uqpay_client(client_id: str = STANDARD_CLIENT_ID, token: str = STANDARD_KEY) -> APIClient:
    """A client of `/api/v2` sending UQPay's headers `x-client-id`/`x-auth-token`."""
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_ID=client_id, HTTP_X_AUTH_TOKEN=token)
    return client
