"""OAuth clients and tokens point at `accounts.Account` (same table, same rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("oauth_app", "0004_rename_account_tables"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="oauthclient",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="oauth_clients", to="accounts.account"),
                ),
                migrations.AlterField(
                    model_name="oauthtoken",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account"),
                ),
            ],
        ),
    ]
