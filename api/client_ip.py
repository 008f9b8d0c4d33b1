"""The client's IP address: the one answer every IP-based control uses (per-IP rate limits,
the /metrics allow-list, django-axes' admin lockouts, the logs); and the port the request
arrived on, which decides the surface of a port of its own (`api.ports`).

Behind a proxy the peer (REMOTE_ADDR) is the proxy, so every client would look alike.
`X-Forwarded-For` is believed only when the peer is in `TRUSTED_PROXIES`, and then only as
far as trusted proxies wrote it: each proxy appends the address it received the request from,
so the list is read from the right, trusted proxies are skipped, and the first other address
is the client. Whatever a client writes into the header itself lies further left and is never
reached: prepending addresses spoofs nothing.

The port is the server's (SERVER_PORT), or, relayed by a trusted proxy, the one the proxy
received the request on: its `X-Forwarded-Port` (deploy/nginx.conf sets it, replacing any a
client sent), never a client's.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address
type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _address(text: str) -> Address | None:
    """An address, IPv4-mapped IPv6 (a dual-stack socket's view of IPv4) as IPv4."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def in_networks(address: str, cidrs: list[str]) -> bool:
    """Whether `address` (as `client_ip` gives it) lies in one of `cidrs`."""
    parsed = _address(address)
    return parsed is not None and _trusted(parsed, _networks(tuple(cidrs)))


def client_ip(request) -> str:
    """The address the request came from ("" when the peer has none, e.g. a unix socket)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _trusted(peer, proxies):
        return str(peer)
    client = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:  # not written by a proxy we know: nothing left of it is believed
            break
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)


def relayed_by_untrusted_proxy(request) -> bool:
    """The request names an origin, but its peer is not a proxy we trust: it may have been
    relayed from anywhere (a proxy on this host that is missing from TRUSTED_PROXIES)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    return "HTTP_X_FORWARDED_FOR" in request.META and (
        peer is None or not _trusted(peer, _networks(tuple(settings.TRUSTED_PROXIES))))


def arrival_port(request) -> str:
    """The port the request arrived on ("" when unknown, e.g. a unix socket)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_PORT", "")
    if forwarded:
        peer = _address(request.META.get("REMOTE_ADDR", ""))
        if peer is not None and _trusted(peer, _networks(tuple(settings.TRUSTED_PROXIES))):
            return forwarded.rsplit(",", 1)[-1].strip()
    return str(request.META.get("SERVER_PORT", ""))
