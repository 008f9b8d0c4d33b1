"""Account and ApiKey, moved here from `oauth_app` with their rows (the tables were renamed by
`oauth_app.0004`): this migration only takes over the models, and their content types so that
granted permissions and admin history follow them."""

import functools

import django.db.models.deletion
from django.db import migrations, models

import core.ids

MOVED = ("account", "apikey")


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="oauth_app", model__in=MOVED).update(
        app_label="accounts")


def unlabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accounts", model__in=MOVED).update(
        app_label="oauth_app")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("oauth_app", "0004_rename_account_tables"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Account",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("public_id", models.CharField(default=functools.partial(core.ids.new_id, "acct"), max_length=40, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("has_webhook_endpoints", models.BooleanField(default=False, editable=False, help_text="Kept by webhooks_app.services: emitting an event for an account without endpoints skips looking for them.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                ),
                migrations.CreateModel(
                    name="ApiKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100)),
                        ("client_id", models.CharField(help_text="Public identifier, sent beside the secret by the devdraft and UQPay dialects.", max_length=64, unique=True)),
                        ("secret_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("secret_prefix", models.CharField(editable=False, max_length=16)),
                        ("scopes", models.JSONField(blank=True, default=list)),
                        ("is_active", models.BooleanField(default=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("account", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_keys", to="accounts.account")),
                    ],
                    options={"verbose_name": "API key"},
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
