"""Create the demo account, seed 003's four test keys and the `my_app` OAuth client.

Running it again changes nothing."""

from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oauth_app import scopes
from oauth_app.models import Account, ApiKey, OAuthClient
from oauth_app.services import account_create, api_key_create, oauth_client_create

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


class Command(BaseCommand):
    help = "Create the demo account and seed 003's test keys (idempotent; never in production)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data is for development only (set DJANGO_DEBUG=1 or ALLOW_DEMO_DATA=1)."
            )
        account = Account.objects.filter(public_id=DEMO_ACCOUNT_ID).first()
        if account is None:
            account = account_create(name="Demo Account", public_id=DEMO_ACCOUNT_ID)
        created = 0
        for client_id, name, secret, key_scopes, active in DEMO_KEYS:
            if ApiKey.objects.filter(client_id=client_id).exists():
                continue
            api_key_create(
                account=account,
                name=name,
                scopes=key_scopes,
                secret=secret,
                client_id=client_id,
                is_active=active,
                expires_at=None if active else EXPIRED_AT,
            )
            created += 1
        if not OAuthClient.objects.filter(client_id="my_app").exists():
            oauth_client_create(
                account=account, client_id="my_app", name="My App", secret="my_secret",
                redirect_uris=["https://example.com/callback"], scopes=list(scopes.ALL),
            )
            created += 1
        self.stdout.write(f"Demo account {account.public_id}: {created} credential(s) created.")
