"""Prometheus metrics over HTTP: request rates and latencies per view, and `/metrics`.

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty directory shared by
the workers of one host); the /metrics view then aggregates all of them.
"""

import hmac
import os

from django.conf import settings
from django.http import HttpResponse
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

from api.client_ip import client_ip, in_networks, relayed_by_untrusted_proxy

REQUESTS = Counter("http_requests_total", "HTTP requests by view, method and status",
                   ["view", "method", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Request latency by view", ["view"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))


# Label values come from this set, not from the client: any other method counts as OTHER,
# so a client cannot mint new time series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    view = (match.view_name or match._func_path) if match else "unmatched"
    method = request.method if request.method in METHODS else "OTHER"
    REQUESTS.labels(view, method, str(response.status_code)).inc()
    LATENCY.labels(view).observe(seconds)


def _allowed(request) -> bool:
    """The bearer token when one is set (compared in constant time), else the client IP.

    A request relayed by a proxy missing from TRUSTED_PROXIES is refused: a proxy on this
    host would otherwise make every client look like loopback."""
    token = settings.METRICS_BEARER_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").encode()
        return hmac.compare_digest(sent, f"Bearer {token}".encode())
    if relayed_by_untrusted_proxy(request):
        return False
    return in_networks(client_ip(request), settings.METRICS_ALLOWED_NETWORKS)


def _queue_depth() -> str:
    try:
        depth = DBTaskResult.objects.filter(status="READY").count()
    except Exception:  # noqa: BLE001 - another task backend: its depth is not ours to read
        return ""
    return ("# HELP tasks_queue_depth Tasks waiting to run\n# TYPE tasks_queue_depth gauge\n"
            f"tasks_queue_depth {depth}\n")


def metrics_view(request):
    if not _allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    registry = DEFAULT_REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    body = generate_latest(registry).decode() + _queue_depth()
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
