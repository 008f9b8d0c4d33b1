"""Logs as JSON lines carrying the request id and client IP, for production log pipelines."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="-")
# The client's address as the request's middleware determined it (behind trusted proxies,
# not the proxy's): who did it, for the records of a request.
client_ip: ContextVar[str] = ContextVar("client_ip", default="-")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id and client IP of the request being served (or "-")."""

    def filter(self, record):
        record.request_id = request_id.get()
        record.client_ip = client_ip.get()
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "client_ip": getattr(record, "client_ip", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
