"""Where webhooks may be sent: http(s) only, and no private network unless allowed.

Checked when an endpoint is registered and again before every delivery, because a host
name can start resolving to an internal address after registration.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal")


class UnsafeURL(ValueError):
    pass


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, resolve: bool) -> None:
    """Raise UnsafeURL unless `url` may receive webhooks.

    `resolve=False` (registration) accepts a host name that does not resolve yet; delivery
    resolves it and refuses it then if it is private or does not resolve.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL("Webhook URLs must be absolute http or https URLs.")
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith(LOCAL_NAMES):
        raise UnsafeURL(f"'{host}' is a local host name.")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError:
            if resolve:
                raise UnsafeURL(f"'{host}' does not resolve.") from None
            return
        addresses = [info[4][0] for info in infos]
    for address in addresses:
        if not _is_public(address):
            raise UnsafeURL(
                f"'{host}' resolves to {address}, a private, loopback or link-local address."
            )
