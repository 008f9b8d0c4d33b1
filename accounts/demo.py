"""The demo account of `seed_demo`: its four test keys, and what other apps add to it."""

from datetime import UTC, datetime

from accounts import scopes
from accounts.models import Account, ApiKey
from accounts.services import account_create, api_key_create
from core.registry import Registry

DEMO_ACCOUNT_ID = "acct_demo"
DEMO_KEYS = [
    # (client id, name, secret, scopes, active)
    (
        "demo_client_standard",
        "Standard",
        "demo_key_4eC39HqLyjWDarjtT1zdp7dc",
        [scopes.PAYMENTS_READ, scopes.PAYMENTS_WRITE, scopes.REFUNDS_WRITE],
        True,
    ),
    ("demo_client_admin", "Admin", "demo_key_BQokikJOvBiI2HlWgH4olfQ2", list(scopes.ALL), True),
    (
        "demo_client_readonly",
        "Read Only",
        "demo_key_readonly_9f8g7h6j5k4l3m2n",
        [scopes.PAYMENTS_READ],
        True,
    ),
    ("demo_client_expired", "Expired", "demo_key_expired_key_do_not_use", [], False),
]
EXPIRED_AT = datetime(2024, 1, 1, tzinfo=UTC)

# Other apps' demo data (the `my_app` OAuth client): each is called as `seed(account=...)`
# and returns how many objects it created; running it again must create none.
DEMO_DATA = Registry("demo data seeder")


def demo_seed() -> tuple[Account, int]:
    """The demo account, its keys and every app's demo data; what already exists is kept."""
    account = Account.objects.filter(public_id=DEMO_ACCOUNT_ID).first()
    if account is None:
        account = account_create(name="Demo Account", public_id=DEMO_ACCOUNT_ID)
    created = 0
    for client_id, name, secret, key_scopes, active in DEMO_KEYS:
        if ApiKey.objects.filter(client_id=client_id).exists():
            continue
        api_key_create(
            account=account, name=name, scopes=key_scopes, secret=secret, client_id=client_id,
            is_active=active, expires_at=None if active else EXPIRED_AT,
        )
        created += 1
    for _name, seed in DEMO_DATA:
        created += seed(account=account)
    return account, created
