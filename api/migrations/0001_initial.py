"""IdempotencyKey, moved here from `payments` with its rows (the table was renamed by
`payments.0003`): this migration only takes over the model and its content type."""

import django.db.models.deletion
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="payments", model="idempotencykey").update(
        app_label="api")


def unlabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="api", model="idempotencykey").update(
        app_label="payments")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("payments", "0003_accounts_and_minor_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=64)),
                        ("fingerprint", models.CharField(help_text="SHA-256 of method, path and body.", max_length=64)),
                        ("method", models.CharField(max_length=10)),
                        ("path", models.CharField(max_length=255)),
                        ("status", models.CharField(choices=[("in_progress", "In Progress"), ("completed", "Completed")], max_length=20)),
                        ("lock_token", models.CharField(blank=True, default="", max_length=32)),
                        ("locked_at", models.DateTimeField(blank=True, null=True)),
                        ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.BinaryField(blank=True, null=True)),
                        ("response_content_type", models.CharField(blank=True, default="", max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                        ("account", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.account")),
                    ],
                    options={
                        "verbose_name": "idempotency key",
                        "constraints": [models.UniqueConstraint(fields=("account", "key"), name="idempotency_key_per_account")],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, unlabel_content_type),
    ]
