"""Client secrets move from a Django password hash to a keyed HMAC, marked `hmac-sha256$`.

The stored hash names its own format, so no row is rewritten here (the secrets are not known):
a row still holding a password hash (`pbkdf2_sha256$...`) is checked with it, at its old cost,
and re-hashed on its next successful use. `secret_rotated_at` starts empty: no token is cut off.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oauth_app', '0006_remove_account_apikey'),
    ]

    operations = [
        migrations.AddField(
            model_name='oauthclient',
            name='secret_rotated_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='Tokens issued before this moment no longer authenticate.', null=True),
        ),
        migrations.AlterField(
            model_name='oauthclient',
            name='secret_hash',
            field=models.CharField(editable=False, help_text='`hmac-sha256$<hex>`: an HMAC of the client secret keyed from SECRET_KEY. Rows from before 0007 hold a Django password hash until their next successful use re-hashes them.', max_length=256),
        ),
    ]
