"""The Stripe dialect (/stripe/v1): endpoints and events have a dialect (existing ones are
Standard Webhooks), Stripe endpoints keep metadata and an API version, Stripe's event types
(up to 80 characters); the events' recent-first index leads with the dialect, as the lists of
both surfaces filter by it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_sandbox_clock_and_scenarios'),
        ('webhooks_app', '0008_pending_scan_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='event_account_recent',
        ),
        migrations.AddField(
            model_name='event',
            name='dialect',
            field=models.CharField(choices=[('standard', 'Standard'), ('stripe', 'Stripe')], default='standard', help_text='Standard events show on /v1, Stripe ones on /stripe/v1; each goes to endpoints of its dialect only.', max_length=10),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='api_version',
            field=models.CharField(blank=True, default='', help_text='The API version a Stripe endpoint was created with, if it named one.', max_length=40),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='dialect',
            field=models.CharField(choices=[('standard', 'Standard'), ('stripe', 'Stripe')], default='standard', help_text='Which events it receives, in which format, signed how: set at registration (by the API it is registered on).', max_length=10),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='metadata',
            field=models.JSONField(blank=True, default=dict, help_text="A Stripe endpoint's metadata (strings)."),
        ),
        migrations.AlterField(
            model_name='event',
            name='type',
            field=models.CharField(choices=[('payment.created', 'payment.created'), ('payment.completed', 'payment.completed'), ('payment.authorized', 'payment.authorized'), ('payment.failed', 'payment.failed'), ('payment.cancelled', 'payment.cancelled'), ('payment.refunded', 'payment.refunded'), ('refund.created', 'refund.created'), ('refund.completed', 'refund.completed'), ('refund.failed', 'refund.failed'), ('payment_intent.created', 'payment_intent.created'), ('payment_intent.succeeded', 'payment_intent.succeeded'), ('payment_intent.payment_failed', 'payment_intent.payment_failed'), ('payment_intent.canceled', 'payment_intent.canceled'), ('payment_intent.amount_capturable_updated', 'payment_intent.amount_capturable_updated'), ('charge.refunded', 'charge.refunded'), ('customer.created', 'customer.created'), ('customer.updated', 'customer.updated'), ('customer.deleted', 'customer.deleted')], max_length=80),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='events',
            field=models.JSONField(default=list, help_text="Subscribed event types (a Stripe endpoint's `enabled_events`, where `*` is every type)."),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['account', 'dialect', '-created_at', '-id'], name='event_account_dialect_recent'),
        ),
    ]
