from django.apps import AppConfig


class OauthAppConfig(AppConfig):
    name = "oauth_app"
    verbose_name = "OAuth2"

    def ready(self):
        from accounts.demo import DEMO_DATA
        from oauth_app.services import demo_client_seed

        DEMO_DATA.register("oauth_demo_client", demo_client_seed)
