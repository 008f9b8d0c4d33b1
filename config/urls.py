from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import api
from config.metrics import metrics_view
from payments.api import devdraft
from refunds.api import uqpay

v1 = [
    path("health", api.HealthView.as_view(), name="health"),
    path("api-info", api.ApiInfoView.as_view(), name="api-info"),
    path("test/reset", api.TestResetView.as_view(), name="test-reset"),
    path("", include("payments.urls")),
    path("", include("refunds.urls")),
    path("", include("webhooks_app.urls")),
    path("", include("oauth_app.urls")),
]

devdraft_v0 = [
    path("test-payment", devdraft.DevdraftPaymentCreateView.as_view()),
    path("test-payment/<str:payment_id>", devdraft.DevdraftPaymentDetailView.as_view()),
    path("test-payment/<str:payment_id>/refund", devdraft.DevdraftRefundView.as_view()),
]

uqpay_v2 = [
    path("payment/refunds", uqpay.UqpayRefundCreateView.as_view()),
    path("payment/refunds/<str:payment_refund_id>", uqpay.UqpayRefundDetailView.as_view()),
]

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
    # Anything else under an API prefix is a JSON 404 in that surface's shape, in every mode.
    re_path(r"^(v1|api/v0|api/v2)(/.*)?$", api.api_not_found),
]
