"""Payments remember the wire format they were made through (`origin`), instead of the
formats reading it from the id. Existing rows: the payments made through /stripe/v1 are the
ones whose ids it gave them (`pi_`); the others were made through /v1 or the devdraft
dialect, which kept no record of which: they count as /v1's (the two render the same
events)."""

from django.db import migrations, models


def fill_origin(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Payment.objects.filter(public_id__startswith="pi_").update(origin="stripe")


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0009_authorize_and_capture'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='origin',
            field=models.CharField(choices=[('v1', '/v1'), ('devdraft', 'devdraft (/api/v0)'), ('uqpay', 'UQPay (/api/v2)'), ('stripe', 'Stripe (/stripe/v1)')], default='v1', help_text="The wire format it was made through: which events about it each format sends, and its id's prefix.", max_length=10),
        ),
        migrations.RunPython(fill_origin, migrations.RunPython.noop),
    ]
