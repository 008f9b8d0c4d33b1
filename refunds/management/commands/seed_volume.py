from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account
from refunds.seeding import payments_bulk_seed


class Command(BaseCommand):
    help = "Add realistic payments (and refunds) to the demo account, spread over past days."

    def add_arguments(self, parser):
        parser.add_argument("--payments", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7, help="Random seed (repeatable).")

    def handle(self, *args, payments, days, seed, **options):
        account = Account.objects.filter(public_id=DEMO_ACCOUNT_ID).first()
        if account is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        made = payments_bulk_seed(account=account, count=payments, days=days, seed=seed)
        self.stdout.write(f"Seeded {made} payments over {days} days.")
