"""The refunded amount says its unit."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("refunds", "0002_created_at_default"),
    ]

    operations = [
        migrations.RenameField(model_name="refund", old_name="amount", new_name="amount_minor"),
    ]
