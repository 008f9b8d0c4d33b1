"""Service-level `/v1` endpoints: health, api-info, test reset, and unknown routes."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.tasks import default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config import ratelimit
from config.errors import ErrorDescription, json_error
from config.surfaces import V1
from oauth_app import scopes
from payments.models import PaymentMethod
from payments.money import CURRENCIES
from payments.services import test_data_reset


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("health:probe", "ok", timeout=10)
    if cache.get("health:probe") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_queue() -> None:
    """Ask the task backend about a result that cannot exist: it must answer, not fail."""
    if not default_task_backend.supports_get_result:
        return
    try:
        default_task_backend.get_result("00000000-0000-0000-0000-000000000000")
    except TaskResultDoesNotExist:
        return


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "queue": _check_queue}

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
        "service": serializers.CharField(),
        "version": serializers.CharField(),
        "timestamp": serializers.DateTimeField(),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        operation_id="health",
        summary="Service health",
        tags=["service"],
        auth=[],
        responses={200: HealthSerializer, 503: OpenApiResponse(HealthSerializer)},
    )
    def get(self, request):
        checks = {}
        for name, check in HEALTH_CHECKS.items():
            try:
                check()
                checks[name] = "connected"
            except Exception as exc:  # a health check reports failures, it does not raise
                checks[name] = f"error: {type(exc).__name__}"
        healthy = all(value == "connected" for value in checks.values())
        body = {
            "status": "healthy" if healthy else "unhealthy",
            "service": "payment-api",
            "version": settings.SERVICE_VERSION,
            "timestamp": timezone.now().isoformat(timespec="microseconds"),
            "checks": checks,
        }
        return Response(body, status=200 if healthy else 503)


class ApiInfoView(APIView):
    authentication_classes = []
    permission_classes = []

    @extend_schema(
        operation_id="api_info",
        summary="What this API supports",
        tags=["service"],
        auth=[],
        responses={200: inline_serializer("ApiInfo", {"name": serializers.CharField()})},
    )
    def get(self, request):
        return Response(
            {
                "name": "Payment Processing API",
                "version": settings.SERVICE_VERSION,
                "api_version": settings.API_VERSION,
                "environment": "test",
                "documentation_url": request.build_absolute_uri("/api/docs/"),
                "endpoints": {
                    "payments": "/v1/payments",
                    "refunds": "/v1/payments/{id}/refund",
                    "webhooks": "/v1/webhooks",
                    "health": "/v1/health",
                    "oauth": "/v1/oauth",
                },
                "supported_currencies": list(CURRENCIES),
                "supported_payment_methods": list(PaymentMethod.values),
            }
        )


class TestResetView(V1.View):
    @V1.write(
        "reset_test_data",
        "Delete this account's test data",
        scope=scopes.API_ADMIN,
        tag="test",
        responses={
            200: inline_serializer(
                "ResetResult",
                {"message": serializers.CharField(), "timestamp": serializers.DateTimeField()},
            ),
        },
        errors=(400, 401, 403, 409),
    )
    def post(self, request):
        test_data_reset(account=request.user.account)
        ratelimit.clear(ratelimit.credential_key(request.user))
        return Response(
            {
                "message": "All test data has been reset.",
                "timestamp": timezone.now().isoformat(timespec="microseconds"),
            }
        )


def api_not_found(request, *args, **kwargs):
    """Unknown routes under an API prefix answer in that surface's error shape."""
    error = ErrorDescription(
        404, "not_found", "route_not_found", f"No route matches {request.method} {request.path}."
    )
    return json_error(error, request.error_body)
