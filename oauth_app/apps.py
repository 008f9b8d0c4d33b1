from django.apps import AppConfig


class OauthAppConfig(AppConfig):
    name = "oauth_app"
    verbose_name = "Accounts and credentials"
