from django.core.management.base import BaseCommand

from api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete idempotency keys older than IDEMPOTENCY_KEY_TTL (24 h by default)."

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {purge_expired()} expired idempotency key(s).")
