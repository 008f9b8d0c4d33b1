from django.apps import AppConfig


class OauthAppConfig(AppConfig):
    name = "oauth_app"
    verbose_name = "OAuth2"

    def ready(self):
        from accounts.demo import DEMO_DATA
        from core.periodic import PERIODIC_JOBS
        from core.sandbox import TEST_DATA_RESETS
        from oauth_app.authentication import rate_limits_reset
        from oauth_app.services import demo_client_seed, oauth_grants_purge, oauth_tokens_purge

        DEMO_DATA.register("oauth_demo_client", demo_client_seed)
        TEST_DATA_RESETS.register("oauth_rate_limits", rate_limits_reset)
        PERIODIC_JOBS.register("oauth_grants_purged", oauth_grants_purge)
        PERIODIC_JOBS.register("oauth_tokens_purged", oauth_tokens_purge)
