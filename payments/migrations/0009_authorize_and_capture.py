"""Authorize and capture (the Stripe dialect's PaymentIntents): the statuses
`requires_confirmation` and `authorized`, the capture method, the amount captured (what refunds
draw on: every payment that settled before this captured its whole amount) and an
authorization's expiry."""

from django.db import migrations, models
from django.db.models import F

CAPTURED = ("completed", "partially_refunded", "refunded")


def received_is_the_amount(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Payment.objects.filter(status__in=CAPTURED).update(amount_received_minor=F("amount_minor"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_sandbox_clock_and_scenarios'),
        ('payments', '0008_customer'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='amount_received_minor',
            field=models.BigIntegerField(default=0, help_text='Minor units captured: the amount, or less after a partial capture; what refunds draw on.'),
        ),
        migrations.AddField(
            model_name='payment',
            name='capture_before',
            field=models.DateTimeField(blank=True, help_text="An authorization's expiry (by the account's clock): uncaptured by then, it is released (cancelled).", null=True),
        ),
        migrations.AddField(
            model_name='payment',
            name='capture_method',
            field=models.CharField(choices=[('automatic', 'Automatic'), ('manual', 'Manual')], default='automatic', max_length=10),
        ),
        migrations.AlterField(
            model_name='payment',
            name='status',
            field=models.CharField(choices=[('requires_confirmation', 'Requires Confirmation'), ('pending', 'Pending'), ('processing', 'Processing'), ('authorized', 'Authorized'), ('completed', 'Completed'), ('failed', 'Failed'), ('cancelled', 'Cancelled'), ('partially_refunded', 'Partially Refunded'), ('refunded', 'Refunded')], max_length=24),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(condition=models.Q(('status', 'authorized')), fields=['capture_before'], name='payment_authorized'),
        ),
        migrations.RunPython(received_is_the_amount, migrations.RunPython.noop, elidable=True),
    ]
