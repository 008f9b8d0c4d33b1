"""Create the demo account, its four test keys (the README's "Demo credentials") and every
app's demo data (the `my_app` OAuth client). Running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo account and its four test keys (idempotent; never in production)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data is for development only (set DJANGO_DEBUG=1 or ALLOW_DEMO_DATA=1)."
            )
        account, created = demo_seed()
        self.stdout.write(f"Demo account {account.public_id}: {created} credential(s) created.")
