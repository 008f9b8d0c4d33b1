"""Endpoints and events point at `accounts.Account` (same table, same rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("webhooks_app", "0003_mark_accounts_with_endpoints"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="webhookendpoint",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account"),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account"),
                ),
            ],
        ),
    ]
