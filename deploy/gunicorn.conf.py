"""gunicorn settings for the service (used by deploy/entrypoint.py, the image and scripts/cluster).

Every value can be overridden from the environment; the defaults suit a 2-core host.

Threaded workers (gthread): a worker's main thread accepts connections and waits, without
a thread, for a new connection's first bytes (up to 5 s, then without a thread at all until
`keepalive`) and for kept-alive connections; only a connection that is sending a request
holds one of the worker's `threads`. A few slow clients therefore cannot stall the server
(sync workers: one slow client stalls a whole worker until `timeout` kills it). A client
that trickles its headers still holds its thread for as long as it trickles, so in
production a buffering proxy (nginx, deploy/nginx.conf) sits in front and hands gunicorn
only complete requests; `scripts/slow_clients.py` measures both.
"""

import multiprocessing
import os

# Every address of BIND (comma-separated); without it, PORT and STRIPE_ROOT_PORT (Stripe's
# format at the root, api/ports.py; 0: not) on every interface. Behind a proxy one port is
# enough: the proxy says which port it received each request on (X-Forwarded-Port).
_stripe_port = os.environ.get("STRIPE_ROOT_PORT", "").strip() or "12111"
if os.environ.get("BIND"):
    bind = os.environ["BIND"].split(",")
else:
    bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
    if _stripe_port != "0":
        bind.append(f"0.0.0.0:{_stripe_port}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Each thread keeps its own database connection (CONN_MAX_AGE): PostgreSQL sees up to
# workers x threads connections per host.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker takes a connection only when one of its threads is free (worker_connections =
# threads): connections it cannot serve yet wait in the listen queue for whichever worker
# frees a thread first, instead of queueing behind slow clients in a busy worker. No
# keep-alive, as with sync workers: every response closes its connection, and a connection
# that sends nothing for 5 s is dropped.
worker_connections = threads
keepalive = 0
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Restart workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# gunicorn's own limits (its defaults, written out): a request line over 4094 bytes, more
# than 100 header fields or a field over 8190 bytes is refused with 400 before Django runs.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", None)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True


def child_exit(server, worker):
    """A worker is gone (recycled, killed, or stopped): its live gauges leave /metrics.

    With several processes, metrics live in PROMETHEUS_MULTIPROC_DIR (deploy/entrypoint.py
    sets it to a fresh directory); counters of a dead worker stay counted."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
