"""Payments point at `accounts.Account` (same table, same rows); amounts say their unit
(`amount_minor`, `refunded_minor`); the idempotency keys' table becomes the `api` app's,
which takes over the model in `api.0001`."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("payments", "0002_created_at_default"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="payment",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="payments", to="accounts.account"),
                ),
                migrations.AlterField(
                    model_name="idempotencykey",
                    name="account",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account"),
                ),
            ],
        ),
        migrations.RenameField(model_name="payment", old_name="amount", new_name="amount_minor"),
        migrations.RenameField(model_name="payment", old_name="refunded_amount",
                               new_name="refunded_minor"),
        migrations.AlterModelTable(name="idempotencykey", table="api_idempotencykey"),
    ]
