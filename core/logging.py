"""Logs as JSON lines carrying the request id and client IP, for production log pipelines."""

import json
import logging
from datetime import UTC, datetime

from core import context


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id and client IP of the request being served (or "-")."""

    def filter(self, record):
        request = context.current()
        record.request_id = request.request_id if request is not None else "-"
        record.client_ip = request.client_ip if request is not None else "-"
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
