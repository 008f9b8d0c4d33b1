"""gunicorn settings for the service (used by deploy/Dockerfile and scripts/cluster).

Every value can be overridden from the environment; the defaults suit a 2-core host.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# No HTML 414 from gunicorn: Django bounds query strings itself and answers in JSON. Put a
# proxy in front (it terminates TLS anyway) to cap request lines at the edge.
limit_request_line = 0
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", None)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True
