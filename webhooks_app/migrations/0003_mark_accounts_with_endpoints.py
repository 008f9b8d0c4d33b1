"""Set `Account.has_webhook_endpoints` for the accounts that already have endpoints."""

from django.db import migrations


def mark(apps, schema_editor):
    Account = apps.get_model("oauth_app", "Account")
    WebhookEndpoint = apps.get_model("webhooks_app", "WebhookEndpoint")
    Account.objects.filter(
        pk__in=WebhookEndpoint.objects.values("account_id")
    ).update(has_webhook_endpoints=True)


class Migration(migrations.Migration):

    dependencies = [
        ("oauth_app", "0003_account_has_webhook_endpoints"),
        ("webhooks_app", "0002_event_object_id"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
