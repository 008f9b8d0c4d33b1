"""The root URLconf: each app's routers, mounted under the prefix of their wire format."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import urls as accounts_urls
from api import urls as api_urls
from api.metrics import metrics_view
from api.views import api_not_found
from oauth_app import urls as oauth_urls
from payments import urls as payments_urls
from refunds import urls as refunds_urls
from webhooks_app import urls as webhooks_urls

v1 = [
    *api_urls.v1,
    *payments_urls.v1,
    *refunds_urls.v1,
    *webhooks_urls.v1,
    *oauth_urls.v1,
    *accounts_urls.v1,
]
devdraft_v0 = [*payments_urls.devdraft, *refunds_urls.devdraft]
uqpay_v2 = refunds_urls.uqpay
stripe_v1 = [*payments_urls.stripe, *refunds_urls.stripe, *webhooks_urls.stripe]

# The docs pages load only from this server: the bundles would otherwise fetch a logo from a
# CDN (ReDoc's attribution), and nothing else may leave the host either.
SELF_ONLY = csp_override({
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "worker-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF, "data:"],
})

# An exception no view handled (debug off): a database outage is a 503 (the plain page, or the
# surface's body), anything else Django's 500.
handler500 = "api.outages.server_error"

urlpatterns = [
    path("", TemplateView.as_view(template_name="landing.html"), name="landing"),
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SELF_ONLY(SpectacularSwaggerView.as_view(url_name="schema")),
         name="swagger-ui"),
    path("api/redoc/", SELF_ONLY(SpectacularRedocView.as_view(url_name="schema")),
         name="redoc"),
    path("v1/", include(v1)),
    path("api/v0/", include(devdraft_v0)),
    path("api/v2/", include(uqpay_v2)),
    path("stripe/v1/", include(stripe_v1)),
    *payments_urls.pages,
    # Anything else under an API prefix is a JSON 404 in that surface's shape, in every mode.
    re_path(r"^(v1|api/v0|api/v2|stripe/v1)(/.*)?$", api_not_found),
]
