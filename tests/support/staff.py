"""Staff users holding exactly the permissions a test names, for every app's admin tests."""

from django.contrib.auth.models import Permission

# What an operator who may only look is given: every model's view permission.
VIEW_ONLY = (
    "payments.view_payment", "payments.view_checkout", "refunds.view_refund",
    "accounts.view_account", "accounts.view_apikey", "oauth_app.view_oauthclient",
    "oauth_app.view_oauthtoken",
    "webhooks_app.view_webhookendpoint", "webhooks_app.view_event",
    "webhooks_app.view_delivery", "api.view_idempotencykey", "accounts.view_scenario",
)


def staff_user(django_user_model, username: str, *perms: str, password: str = "pw-staff-123"):
    """A staff user (not a superuser) with `perms` ("app_label.codename") and nothing else."""
    user = django_user_model.objects.create_user(username, f"{username}@example.com", password,
                                                 is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user
