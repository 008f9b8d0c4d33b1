#!/usr/bin/env python3
"""The image's HEALTHCHECK: GET /v1/health from inside the container; exit 0 on a 200.

The request names a host that ALLOWED_HOSTS accepts (its first entry, or localhost), so it
passes Django's host check in any configuration; /v1/health is never redirected to HTTPS.
Standard library only, so a check costs little.
"""

import http.client
import os
import sys


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    first = hosts[0] if hosts else "localhost"
    if first == "*":
        return "localhost"
    return first.lstrip(".")  # ".example.com" also accepts example.com


def main() -> int:
    bind = os.environ.get("BIND", "").split(",")[0]  # the first address: the service's own
    port = bind.rsplit(":", 1)[1] if ":" in bind else os.environ.get("PORT", "8000")
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    try:
        connection.request("GET", "/v1/health", headers={"Host": host_header()})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthcheck: /v1/health answered {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
