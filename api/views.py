"""What every deployment answers whatever its domain: health, and unknown API routes."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.tasks import default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import RETRY_AFTER_SECONDS, RouteNotFound, describe, json_error
from api.surfaces import surface_of


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
# Without the database nothing works: take this instance out of rotation. Without the cache
# (rate limiting fails open) or the task queue requests still succeed: keep serving, and say
# so with `degraded`.
ESSENTIAL_CHECKS = frozenset({"database"})

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "degraded", "unhealthy"]),
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
        description="`healthy`, or `degraded` (200: the cache or the task queue failed, "
                    "requests are still served), or `unhealthy` (503 with `Retry-After`: the "
                    "database cannot be reached).",
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
        failed = {name for name, value in checks.items() if value != "connected"}
        status = ("unhealthy" if failed & ESSENTIAL_CHECKS
                  else "degraded" if failed else "healthy")
        body = {
            "status": status,
            "service": "payment-api",
            "version": settings.SERVICE_VERSION,
            "timestamp": timezone.now().isoformat(timespec="microseconds"),
            "checks": checks,
        }
        if status == "unhealthy":
            return Response(body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return Response(body)


@csrf_exempt  # an API path never answers Django's HTML CSRF page, whatever the method
def api_not_found(request, *args, **kwargs):
    """Unknown routes under an API prefix answer in that surface's error shape (anything on
    a surface's own port too, `api.ports`)."""
    return json_error(describe(RouteNotFound(request)), surface_of(request))
