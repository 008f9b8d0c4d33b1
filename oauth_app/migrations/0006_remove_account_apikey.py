"""Account and ApiKey now belong to `accounts`: drop them from this app's state only (the
tables are `accounts`' now)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("oauth_app", "0005_account_moved"),
        ("payments", "0003_accounts_and_minor_units"),
        ("api", "0001_initial"),
        ("webhooks_app", "0004_account_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApiKey"),
                migrations.DeleteModel(name="Account"),
            ],
        ),
    ]
