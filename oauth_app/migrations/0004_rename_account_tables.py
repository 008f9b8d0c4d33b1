"""Account and ApiKey move to the `accounts` app: first their tables take its names (rows,
keys and foreign keys stay as they are), then `accounts.0001` takes over the models."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("oauth_app", "0003_account_has_webhook_endpoints"),
        ("webhooks_app", "0003_mark_accounts_with_endpoints"),
    ]

    operations = [
        migrations.AlterModelTable(name="account", table="accounts_account"),
        migrations.AlterModelTable(name="apikey", table="accounts_apikey"),
    ]
