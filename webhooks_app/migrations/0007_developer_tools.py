"""Webhook developer tools: deliveries get a public id (`del_…`, filled in for existing rows
before it becomes unique) and the start of the receiver's answer; endpoints keep a replaced
signing secret while it overlaps; admin permissions for rotating and re-enabling."""

import functools

from django.db import migrations, models

import core.ids


def fill_public_ids(apps, schema_editor):
    Delivery = apps.get_model("webhooks_app", "Delivery")
    batch = []
    for delivery in Delivery.objects.filter(public_id__isnull=True).only("pk").iterator():
        delivery.public_id = core.ids.new_id("del")
        batch.append(delivery)
        if len(batch) == 1000:
            Delivery.objects.bulk_update(batch, ["public_id"])
            batch = []
    Delivery.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks_app", "0006_refund_failed_and_account_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="public_id",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="delivery",
            name="public_id",
            field=models.CharField(default=functools.partial(core.ids.new_id, "del"),
                                   max_length=32, unique=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="response_body",
            field=models.CharField(blank=True, default="",
                                   help_text="The first 1,024 characters of the answer.",
                                   max_length=1024),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret",
            field=models.CharField(blank=True, default="", editable=False,
                                   help_text="After a rotation, the replaced secret: it signs "
                                   "too until it expires, then it is dropped.", max_length=100),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret_expires_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterModelOptions(
            name="webhookendpoint",
            options={"ordering": ["-created_at", "-id"],
                     "permissions": [("rotate_secret_webhookendpoint",
                                      "Can rotate webhook signing secrets"),
                                     ("enable_webhookendpoint", "Can re-enable webhook endpoints")],
                     "verbose_name": "webhook endpoint"},
        ),
    ]
