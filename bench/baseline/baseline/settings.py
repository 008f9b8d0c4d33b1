"""The framework's ceiling: a minimal Django + DRF app inserting one 10-field row per POST.

Same database, same gunicorn settings, same persistent connections as the service under
benchmark, so the ratio between the two measures our own code and nothing else.
"""

import dj_database_url

SECRET_KEY = "bench-baseline-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["rest_framework", "baseline"]
MIDDLEWARE = []
ROOT_URLCONF = "baseline.urls"
DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
