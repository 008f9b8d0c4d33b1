"""Settings, read from the environment.

Development: `DJANGO_DEBUG=1` (the Makefile's `run` sets it) allows a throwaway secret key.
Production: `DJANGO_DEBUG` off, `SECRET_KEY` and `ALLOWED_HOSTS` must be given.
Every variable is listed in docs/configuration.md.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-dev-only-payments-sandbox"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of CIDRs (or single addresses), checked at start-up."""
    networks = env_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}") from None
    return networks


DEBUG = env_bool("DJANGO_DEBUG", False)

# --- Sandbox mode -------------------------------------------------------------------------------
# SANDBOX=1: the self-contained sandbox of the image (deploy/entrypoint.py migrates and loads
# the demo data on start). Debug stays off; SQLite and a SECRET_KEY generated on first start
# live in DATA_DIR (the image's volume, /data); plain HTTP with no redirect to HTTPS and no
# secure-only cookies; demo data and webhooks to local addresses allowed; local host names.
SANDBOX = env_bool("SANDBOX", False)
DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR)


def sandbox_secret_key(path: Path) -> str:
    """The sandbox's own secret key: made on first start, then read from `path` (mode 0600).
    Of processes starting together, the first to link its file in place wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if SANDBOX and not SECRET_KEY:
    SECRET_KEY = sandbox_secret_key(DATA_DIR / "secret_key")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a private random value when DJANGO_DEBUG is off "
            "(for local development set DJANGO_DEBUG=1)."
        )
    SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or SANDBOX else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "django_ratelimit",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    # Ours, lowest layer first (see docs/architecture.md). refunds after payments: it
    # extends the payment admin.
    "core",
    "api",
    "accounts",
    "oauth_app",
    "payments",
    "refunds",
    "webhooks_app",
]

MIDDLEWARE = [
    # A request on a surface's own port (STRIPE_ROOT_PORT) is routed to that surface.
    "api.ports.SurfacePortMiddleware",
    "api.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage on the HTML pages (the admin): a plain 503 page, not a 500. Before the
    # session and authentication middleware, whose database access (the session and the user,
    # loaded when a view first asks) it answers; API paths answer in their surface's shape.
    "api.outages.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Admin logins: django-axes locks out a username + IP pair after repeated failures; the IP is
# the client's, not the proxy's (api.client_ip, see TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "api.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default: WAL lets readers run beside the writer, IMMEDIATE makes every
# transaction take the write lock up front (no deadlocking lock upgrades), and the busy timeout
# queues concurrent writers instead of failing them.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(DATA_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Rate limits ---------------------------------------------------------------------------
# django-ratelimit counts in the default cache. Its counters must be shared by every process,
# so multi-process deployments need Redis (REDIS_URL). The embedded default (SQLite, no
# Redis) runs the single-process dev server, where a local-memory cache is exact; only there
# is django-ratelimit's "not a shared cache" check (E003, and its W001) silenced.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATE_LIMIT_PER_MINUTE = env_int("RATE_LIMIT_PER_MINUTE", 100)
RATE_LIMIT_PER_SECOND = env_int("RATE_LIMIT_PER_SECOND", 20)
# `/stripe/v1` counts as Stripe's test mode does instead: this many reads a second per
# credential and, counted apart, this many writes (POST, DELETE).
STRIPE_RATE_LIMIT_PER_SECOND = env_int("STRIPE_RATE_LIMIT_PER_SECOND", 25)
# Every credential of one account together: this many times the limits above, so that
# minting more keys or tokens does not multiply an account's allowance.
# POSTs a client IP may make to the customers' pages (3-D Secure, Checkout) a minute: they
# need no credentials, and each may make a card and a charge (payments/pages/limits.py).
PAGE_POSTS_PER_MINUTE = env_int("PAGE_POSTS_PER_MINUTE", 60)
RATE_LIMIT_ACCOUNT_MULTIPLIER = env_int("RATE_LIMIT_ACCOUNT_MULTIPLIER", 3)
# When the cache cannot count: let requests through (and log it) rather than refuse them
# all. RATE_LIMIT_FAIL_OPEN=0 refuses with 503 instead.
RATE_LIMIT_FAIL_OPEN = env_bool("RATE_LIMIT_FAIL_OPEN", True)
RATELIMIT_FAIL_OPEN = RATE_LIMIT_FAIL_OPEN
if not REDIS_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Background tasks -------------------------------------------------------------------------
# The task engine (docs/scaling-out.md), TASKS_BACKEND:
#   database  (the default) tasks are rows in this database, run by `manage.py worker`
#             (core.worker): the embedded default, nothing else to run;
#   celery    Celery with Redis as its broker (CELERY_BROKER_URL, by default the next
#             database of REDIS_URL's Redis), run by `manage.py worker` too (or by
#             `celery -A config worker` + `manage.py scheduler`); needs the `celery` extra
#             (core.celery_backend, config/celery.py).
# A dotted path names any other django.tasks backend (unsupported: tested are these two).
# Queues: first webhook attempts, their retries, settlements, and the rest (maintenance); the
# database queue's worker gives each threads of its own, so that none waits behind another.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "celery": "core.celery_backend.CeleryBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip() or "database"
TASKS_BACKEND = TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)
if "." not in TASKS_BACKEND:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: expected one of {', '.join(TASK_BACKENDS)} "
        "(or the dotted path of a django.tasks backend).")
TASK_QUEUES = ["default", "webhooks", "webhook-retries", "settlements"]
# Where the Celery backend finds its app (config/celery.py).
TASKS_OPTIONS = ({"CELERY_APP": "config.celery.app"} if TASKS_BACKEND == TASK_BACKENDS["celery"]
                 else {})
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
        "QUEUES": TASK_QUEUES,
        "OPTIONS": TASKS_OPTIONS,
    }
}
# Finished task rows of the database queue are deleted after this many days (a periodic job).
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 7)
# Threads of one `manage.py worker`, per queue ("a+b=1": one thread for both, "*": all queues).
TASK_WORKER_QUEUES = os.environ.get(
    "TASK_WORKER_QUEUES", "webhooks=4,webhook-retries=2,settlements=1,default=1")
# Every this many seconds one worker (the shared cache decides which) takes back the rows of
# workers that died and resumes overdue settlements and deliveries (core.periodic).
TASK_SCHEDULER_INTERVAL_SECONDS = env_int("TASK_SCHEDULER_INTERVAL_SECONDS", 20)
# A settlement or delivery this many seconds overdue, with no task waiting or running for it,
# is enqueued again by the scheduler.
TASK_RESUME_GRACE_SECONDS = env_int("TASK_RESUME_GRACE_SECONDS", 60)
# At most this many deliveries of one account run at once (0: no limit), so that one account's
# slow endpoints cannot take every worker thread from the others.
WEBHOOK_CONCURRENCY_PER_ACCOUNT = env_int("WEBHOOK_CONCURRENCY_PER_ACCOUNT", 2)

# --- Celery (TASKS_BACKEND=celery; config/celery.py reads the CELERY_* settings) ------------
# Redis is the broker. A message is acknowledged only once its task has finished (late
# acknowledgement), so a task whose worker is killed stays unacknowledged in Redis and is
# handed to a worker again once CELERY_VISIBILITY_TIMEOUT_SECONDS have passed since it was
# taken (plus at most CELERY_RESTORE_INTERVAL_SECONDS, how often workers look for such
# messages). That bound is also the longest a task may run: one still running past it is run
# a second time beside it (every task is safe to run twice, and a webhook attempt takes at
# most 2 x WEBHOOK_TIMEOUT_SECONDS). Tasks due later than half of it wait in hops (see
# core.celery_backend), so a webhook retry due in a day is never handed out twice.
# The broker: CELERY_BROKER_URL, else the database after the cache's in REDIS_URL's Redis
# (redis://host:6379/0 -> redis://host:6379/1), so that clearing the cache cannot empty the
# queues.


def next_redis_database(url: str) -> str:
    parts = urlsplit(url)
    number = parts.path.strip("/")
    number = int(number) + 1 if number.isdigit() else 1
    return urlunsplit(parts._replace(path=f"/{number}"))


CELERY_BROKER_URL = (os.environ.get("CELERY_BROKER_URL", "")
                     or (next_redis_database(REDIS_URL) if REDIS_URL else ""))
CELERY_VISIBILITY_TIMEOUT_SECONDS = env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 300)
CELERY_RESTORE_INTERVAL_SECONDS = env_int("CELERY_RESTORE_INTERVAL_SECONDS", 5)
if TASKS_BACKEND == TASK_BACKENDS["celery"]:
    if find_spec("celery") is None or find_spec("django_tasks_celery") is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=celery but Celery is not installed: install the `celery` extra "
            "(make install does; pip install '.[celery]'; the image: docker build "
            "--build-arg EXTRAS=celery).")
    if not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "memory://")):
        raise ImproperlyConfigured(
            "TASKS_BACKEND=celery needs Redis as its broker: set CELERY_BROKER_URL or "
            "REDIS_URL (redis://...).")
    if CELERY_VISIBILITY_TIMEOUT_SECONDS < 2 * CELERY_RESTORE_INTERVAL_SECONDS:
        raise ImproperlyConfigured(
            "CELERY_VISIBILITY_TIMEOUT_SECONDS must be at least twice "
            "CELERY_RESTORE_INTERVAL_SECONDS.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    # Every worker looks for the messages of dead workers this often (kombu's default is
    # 10 s x 10, which would add up to 100 s to the bound above).
    "unacked_restore_interval": CELERY_RESTORE_INTERVAL_SECONDS,
    "unacked_restore_throttle": 1,
    # The lock of that look, left by a worker killed while holding it, expires this soon.
    "unacked_mutex_expire": max(10, CELERY_RESTORE_INTERVAL_SECONDS * 3),
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a pool process killed: its task goes back at once
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a worker holds no more tasks than it can run
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Results (what `Task.get_result` and /v1/health's queue check read) in Redis for a day.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or CELERY_BROKER_URL
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis that stops answering fails a publish or a result read within seconds (the change is
# committed by then: the scheduler enqueues lost settlements and deliveries again).
CELERY_BROKER_TRANSPORT_OPTIONS.update(socket_connect_timeout=2, socket_timeout=5)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # our LOGGING stays
CELERY_TIMEZONE = "UTC"
# The worker's pool: threads (deliveries mostly wait on the network) or prefork; its size
# defaults to the sum of TASK_WORKER_QUEUES' threads (see core.celery_backend).
CELERY_WORKER_POOL = os.environ.get("CELERY_WORKER_POOL", "threads")

# --- Passwords, i18n, static ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Served at the site's root by WhiteNoise: /favicon.ico (browsers ask for it on every page).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Request bodies over 1 MiB are refused with 413 (see api.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- API --------------------------------------------------------------------------------------
API_VERSION = "2024-01-15"
SERVICE_VERSION = "2.4.0"
# Every request that arrives on this port is answered by the Stripe format at the root
# (`/v1/...` is `/stripe/v1/...`): stripe-mock's port, where SDKs configured with a host and
# a port find it. Behind a proxy in TRUSTED_PROXIES, the port the proxy received the request
# on (X-Forwarded-Port). 0: no such port. See api/ports.py.
STRIPE_ROOT_PORT = env_int("STRIPE_ROOT_PORT", 12111)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRequiredScope"],
    "DEFAULT_PARSER_CLASSES": ["api.json.DecimalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["api.json.DecimalJSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JSONFallbackNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.v1.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# How the API framework (`api`, which imports no domain app) reaches the domain: the model
# credentials act for, and what turns a secret into a principal (tried in order).
API_ACCOUNT_MODEL = "accounts.Account"
API_CREDENTIAL_RESOLVERS = [
    "oauth_app.authentication.resolve_access_token",
    "accounts.authentication.resolve_api_key",
]

SPECTACULAR_SETTINGS = {
    "TITLE": "Payments Sandbox API",
    "DESCRIPTION": (
        "A stateful, test-mode payment processor. `/v1` is the main API; "
        "`/api/v0/test-payment` speaks the devdraft dialect and `/api/v2/payment/refunds` "
        "the UQPay dialect."
    ),
    "VERSION": SERVICE_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": True},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_headers_and_rate_limits",
        "api.schema.refuse_nul_in_requests",
        "api.stripe.schema.bracket_notation",
    ],
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "OAuth2": {
                "type": "oauth2",
                "description": "Access tokens from /v1/oauth/token are Bearer credentials.",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "/v1/oauth/authorize",
                        "tokenUrl": "/v1/oauth/token",
                        "refreshUrl": "/v1/oauth/token",
                        "scopes": {
                            "payments:read": "Read payments, refunds and events.",
                            "payments:write": "Create and cancel payments.",
                            "refunds:write": "Refund payments.",
                            "webhooks:manage": "Manage webhook endpoints; simulate events.",
                            "api:admin": "Reset the account's test data.",
                        },
                    },
                    "clientCredentials": {
                        "tokenUrl": "/v1/oauth/token",
                        "scopes": {},
                    },
                },
            }
        }
    },
    "TAGS": [
        {"name": "payments", "description": "Create, read, list and cancel payments."},
        {"name": "refunds", "description": "Refund payments, fully or in parts."},
        {"name": "webhooks", "description": "Endpoints, events, simulation."},
        {"name": "oauth", "description": "OAuth2 authorization server (RFC 6749, 7636, 7009, "
                                         "7662)."},
        {"name": "service", "description": "Health and API information."},
        {"name": "test", "description": "Test-mode helpers."},
        {"name": "devdraft", "description": "The devdraft dialect (/api/v0/test-payment)."},
        {"name": "uqpay", "description": "The UQPay refunds dialect (/api/v2/payment/refunds)."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "PaymentStatusEnum": "payments.models.PaymentStatus",
        "CurrencyEnum": "payments.money.CURRENCY_CHOICES",
        "EventTypeEnum": "webhooks_app.api.v1.rendering.EVENT_CHOICES",
        # Stripe's choice sets, one name each however many parameters share them.
        "StripePaymentMethodTypeEnum": ["card"],
        "StripeFutureUsageEnum": ["off_session", "on_session"],
        "StripeFutureUsageOrNoneEnum": ["none", "off_session", "on_session"],
        "StripeCustomerAcceptanceTypeEnum": ["online", "offline"],
        "StripeCaptureMethodEnum": ["automatic", "automatic_async", "manual"],
        "StripeCheckoutModeEnum": ["payment", "setup"],
        "StripeCheckoutLocaleEnum": "payments.api.stripe.checkout_serializers.LOCALES",
        "StripeCheckoutSubmitTypeEnum": ["auto", "book", "donate", "pay"],
        "StripeCustomerCreationEnum": ["always", "if_required"],
    },
}

# --- Webhooks -------------------------------------------------------------------------------
# Non-public destinations (local host names, and every address outside global unicast or in
# IANA's special-purpose registries: loopback, private, link-local, CGNAT, documentation, IPv6
# forms embedding IPv4, ...) are refused unless this is on (dev and tests). See
# webhooks_app/urlsafety.py.
WEBHOOKS_ALLOW_PRIVATE_URLS = env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", DEBUG or SANDBOX)
# What a receiver at a non-public address answered is not kept in the delivery log (status,
# latency and error are), so that allowing private URLs does not make the log a view into the
# sandbox's own network; on, it is kept like any other answer.
WEBHOOKS_SHOW_PRIVATE_RESPONSES = env_bool("WEBHOOKS_SHOW_PRIVATE_RESPONSES", False)
# Seconds before each attempt: Standard Webhooks' example schedule (at once, 5 s, 5 min,
# 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h). Its length is the number of attempts.
WEBHOOK_RETRY_SCHEDULE = tuple(
    int(s) for s in os.environ.get(
        "WEBHOOK_RETRY_SCHEDULE", "0,5,300,1800,7200,18000,36000,50400,72000,86400"
    ).split(",")
)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# An endpoint that has failed every delivery for this long is disabled.
WEBHOOK_DISABLE_AFTER = timedelta(days=env_int("WEBHOOK_DISABLE_AFTER_DAYS", 5))
# Registering more endpoints than this on one account is refused (422); so is a second
# endpoint of an account on a URL it already has.
WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT = env_int("WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT", 16)
# Deliveries to any one destination host, from all accounts together, at most this many a
# second: the others wait their turn (queued, never dropped). A sandbox must not be a way to
# flood a host that is not the account's own receiver.
WEBHOOK_HOST_RATE_PER_SECOND = env_int("WEBHOOK_HOST_RATE_PER_SECOND", 10)
# Largest `payload` of POST /v1/webhooks/simulate, in bytes of compact JSON (422 beyond).
WEBHOOK_SIMULATE_MAX_BYTES = env_int("WEBHOOK_SIMULATE_MAX_BYTES", 16384)
# Finished delivery attempts older than this many days are deleted by the maintenance task.
WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", 30)

# --- OAuth2 -----------------------------------------------------------------------------------
OAUTH_CODE_TTL = timedelta(seconds=600)
OAUTH_ACCESS_TOKEN_TTL_SECONDS = 3600
OAUTH_REFRESH_TOKEN_TTL = timedelta(days=env_int("OAUTH_REFRESH_TOKEN_TTL_DAYS", 30))
# Expired or used codes and dead tokens are deleted this long after they stopped working.
OAUTH_RETENTION = timedelta(days=env_int("OAUTH_RETENTION_DAYS", 7))

# `seed_demo` refuses to run unless this is on (it is, by default, only in development).
ALLOW_DEMO_DATA = env_bool("ALLOW_DEMO_DATA", DEBUG or SANDBOX)

# Lists count matching rows up to this many; past it `total` is capped (see api.pagination).
LIST_COUNT_LIMIT = env_int("LIST_COUNT_LIMIT", 1_000)

# --- Sandbox controls (/v1/test/*: test scenarios and the sandbox clock) ----------------------
# Off: /v1/test/* answers 404 as an unknown route does, and no scenario or clock offset has
# any effect (for deployments that want none of them).
SANDBOX_TEST_CONTROLS = env_bool("SANDBOX_TEST_CONTROLS", True)
# `delay` scenarios hold a server thread while the answer waits: at most this many delayed
# answers of one account at once (429 beyond), so that one account cannot occupy the
# threads every account is served by.
SCENARIO_DELAYS_PER_ACCOUNT = env_int("SCENARIO_DELAYS_PER_ACCOUNT", 2)
# Active scenarios one account may have (422 beyond).
SCENARIOS_PER_ACCOUNT = env_int("SCENARIOS_PER_ACCOUNT", 100)
# Due work a clock advance runs before answering, at most (settlements, releases, webhook
# attempts); the answer says what remains, and the task workers' scheduler takes it on.
CLOCK_ADVANCE_MAX_ITEMS = env_int("CLOCK_ADVANCE_MAX_ITEMS", 200)

# --- Domain settings ----------------------------------------------------------------------------
# How long bank_transfer and crypto payments stay pending before the worker settles them.
SETTLEMENT_DELAY_SECONDS = env_int("SETTLEMENT_DELAY_SECONDS", 30)
IDEMPOTENCY_KEY_TTL = timedelta(seconds=env_int("IDEMPOTENCY_KEY_TTL", 24 * 60 * 60))
# A claim on an idempotency key older than this belongs to a request that died; it may be
# taken over (its own writes were rolled back with it, see api.idempotency).
IDEMPOTENCY_LOCK_TIMEOUT = timedelta(seconds=env_int("IDEMPOTENCY_LOCK_TIMEOUT", 60))
# Last-used timestamps of API keys are written at most this often per key.
API_KEY_LAST_USED_RESOLUTION = timedelta(seconds=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # oauthlib logs codes and tokens at DEBUG: never let it, whatever LOG_LEVEL says.
        "oauthlib": {"level": "WARNING"},
        # Django's own console handler (in DEBUG) would print each line a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# --- Production hardening ------------------------------------------------------------------------
# Behind a TLS-terminating proxy (the production set-up) the proxy says the scheme in
# X-Forwarded-Proto; cookies are secure and HSTS is sent. A plain-HTTP deployment on a
# private network (the local cluster) turns these off with SECURE_SSL_REDIRECT=0.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or SANDBOX))
# The health check and /metrics must answer load balancers and scrapers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^v1/health$", r"^metrics$"]
# The proxies in front of us (CIDRs): only when the peer is one of them is X-Forwarded-For
# read, for the client IP that rate limits, /metrics, admin lockouts and logs use
# (api.client_ip). Empty: the peer is the client.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])
# (The sandbox speaks plain HTTP: no secure-only cookies, no HSTS.)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or SANDBOX))
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or SANDBOX else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS",
                                          not (DEBUG or SANDBOX))
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not (DEBUG or SANDBOX))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Content-Security-Policy of every page (the docs pages set their own in config/urls.py):
# scripts only from our static files, which is all the admin needs, so injected markup cannot
# run script; nothing is loaded from, framed by or posted to another host. Inline styles are
# allowed (the landing page, the dashboard and Django's error pages use them); with images,
# fonts and connections confined to this host, CSS cannot send anything away either.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Prometheus metrics at /metrics: from these networks (the client IP), or with this bearer
# token when set.
METRICS_ALLOWED_NETWORKS = env_networks("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
METRICS_BEARER_TOKEN = os.environ.get("METRICS_BEARER_TOKEN", "")
# Several processes (gunicorn workers) share their metrics through files in this directory;
# deploy/entrypoint.py sets it to a fresh one, and gunicorn's child_exit hook
# (deploy/gunicorn.conf.py) tells prometheus_client when a worker is gone.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if PROMETHEUS_MULTIPROC_DIR and not os.path.isdir(PROMETHEUS_MULTIPROC_DIR):
    raise ImproperlyConfigured(
        f"PROMETHEUS_MULTIPROC_DIR={PROMETHEUS_MULTIPROC_DIR} is not a directory (create it, "
        "empty, before the server starts; deploy/entrypoint.py does)."
    )

# Optional error reporting.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: install the `sentry` extra "
            "(make install does; pip install '.[sentry]'; the image: docker build "
            "--build-arg EXTRAS=sentry)."
        ) from None

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False,
                    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))
