"""IdempotencyKey now belongs to `api`: drop it from this app's state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("payments", "0003_accounts_and_minor_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
        ),
    ]
