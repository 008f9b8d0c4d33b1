"""Endpoints and events name the wire format they belong to (`format`, one of
`core.formats.Format`) instead of a webhook dialect: "standard" (/v1's) becomes "v1",
"stripe" stays. Event types are each format's own names, no longer a fixed choice."""

from django.db import migrations, models

FORMATS = [("v1", "/v1"), ("devdraft", "devdraft (/api/v0)"), ("uqpay", "UQPay (/api/v2)"),
           ("stripe", "Stripe (/stripe/v1)")]


def standard_to_v1(apps, schema_editor):
    for name in ("WebhookEndpoint", "Event"):
        apps.get_model("webhooks_app", name).objects.filter(format="standard").update(
            format="v1")


def v1_to_standard(apps, schema_editor):
    for name in ("WebhookEndpoint", "Event"):
        apps.get_model("webhooks_app", name).objects.filter(format="v1").update(
            format="standard")


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks_app", "0009_stripe_dialect"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_account_dialect_recent"),
        migrations.RenameField(model_name="webhookendpoint", old_name="dialect",
                               new_name="format"),
        migrations.RenameField(model_name="event", old_name="dialect", new_name="format"),
        migrations.RunPython(standard_to_v1, v1_to_standard),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="format",
            field=models.CharField(choices=FORMATS, default="v1", help_text="The wire format it was registered through: the events it receives are that format's, rendered and signed as that format does.", max_length=10),
        ),
        migrations.AlterField(
            model_name="event",
            name="format",
            field=models.CharField(choices=FORMATS, default="v1", help_text="Each format lists its own events and sends them to its own endpoints.", max_length=10),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["account", "format", "-created_at", "-id"],
                               name="event_account_format_recent"),
        ),
        migrations.AlterField(
            model_name="event",
            name="type",
            field=models.CharField(help_text="Its format's name for it.", max_length=80),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="api_version",
            field=models.CharField(blank=True, default="", help_text="The API version the client named at registration, if it named one.", max_length=40),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="events",
            field=models.JSONField(default=list, help_text="Subscribed event types of its format (`*`: every type)."),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="metadata",
            field=models.JSONField(blank=True, default=dict, help_text="Strings, the client's."),
        ),
    ]
