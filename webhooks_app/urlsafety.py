"""Where webhooks may be sent: one parser for checking and for connecting.

A URL is parsed once into a `Destination`, and the sender connects to exactly that scheme,
port and request target, at an address `resolve` vetted: an HTTP client that reads the URL
differently, or a name that resolves differently the second time (DNS rebinding), cannot move
a delivery elsewhere. Registration checks what is known without DNS (a name may not resolve
yet); every delivery resolves the name once and checks every address it gets.
"""

import ipaddress
import re
import socket
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")


def _table(*entries: tuple[str, str]) -> tuple[tuple[IPNetwork, str], ...]:
    return tuple((ipaddress.ip_network(network), name) for network, name in entries)


# Which addresses webhooks may go to is decided by these tables alone, never by the
# `ipaddress` module's properties (`is_private`, `is_global`, ...), whose answers change from
# one Python release to the next. The first matching entry names the reason, so a range comes
# before any range that contains it.
#
# IPv4: every range of IANA's IPv4 Special-Purpose Address Registry, those it marks globally
# reachable included (AS112, AMT, the anycast addresses of 192.0.0.0/24), plus the multicast
# range of IANA's IPv4 Multicast Address Space registry, the reserved range and the limited
# broadcast address. Any other IPv4 address is public.
IPV4_NON_PUBLIC = _table(
    ("0.0.0.0/8", '"this network"'),
    ("10.0.0.0/8", "private-use"),
    ("100.64.0.0/10", "shared address space, carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private-use"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation TEST-NET-1"),
    ("192.31.196.0/24", "AS112"),
    ("192.52.193.0/24", "AMT"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast"),
    ("192.168.0.0/16", "private-use"),
    ("192.175.48.0/24", "AS112 direct delegation"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation TEST-NET-2"),
    ("203.0.113.0/24", "documentation TEST-NET-3"),
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "limited broadcast"),
    ("240.0.0.0/4", "reserved"),
)
# IPv6: only global unicast (2000::/3) may be public, and of it not the ranges of IANA's IPv6
# Special-Purpose Address Registry. Everything outside 2000::/3 is refused; the ranges named
# here outside it (the registry's, and IPv4-compatible, site-local, multicast) only make the
# reason precise.
IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
IPV6_NON_PUBLIC = _table(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("::/96", "IPv4-compatible"),
    ("64:ff9b::/96", "NAT64"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001::/32", "Teredo"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("2620:4f:8000::/48", "AS112 direct delegation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6 segment identifiers"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "deprecated site-local"),
    ("ff00::/8", "multicast"),
)
# IPv6 forms that carry an IPv4 address a host or a gateway may route to: IPv4-mapped,
# IPv4-compatible, NAT64 (RFC 6052, RFC 8215), 6to4 and Teredo. Refused whatever they embed,
# and said so.
EMBEDS_IPV4 = tuple(ipaddress.IPv6Network(net) for net in (
    "::ffff:0:0/96", "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32"))

# host[:port] and nothing more: a bracketed IPv6 address, or a host without brackets or colons.
AUTHORITY = re.compile(r"(?:\[[0-9a-f:.]+\]|[^\[\]:]+)(?::[0-9]*)?", re.IGNORECASE)
LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# A last label that is a number makes resolvers read the whole name as an IPv4 address
# ("127.1", "0x7f.1", "2130706433"), unseen by the address rules at registration.
NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


class UnsafeURL(ValueError):
    pass


@dataclass(frozen=True)
class Destination:
    """What a delivery connects to, and the only source of it."""

    scheme: str  # "http" or "https"
    host: str  # an ASCII host name as written, or an IP address (IPv6 without brackets)
    port: int
    target: str  # path and query: what the request line asks for

    @property
    def ip(self) -> IPAddress | None:
        """The host, if it is an IP address (then no DNS is involved)."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def authority(self) -> str:
        """The Host header: host and port, the scheme's default port left out."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The URL rebuilt from the parsed parts, so that no other parser sees the original."""
        return f"{self.scheme}://{self.authority}{self.target}"


def parse(url: str) -> Destination:
    """Split `url`, refusing whatever two URL parsers could read differently: user-info,
    backslashes, whitespace and control characters, hosts that are neither a plain name
    nor a canonical IP address, ports outside 1-65535, schemes other than http(s)."""
    if "\\" in url or any(c.isspace() or unicodedata.category(c) == "Cc" for c in url):
        raise UnsafeURL("Webhook URLs may not contain backslashes, whitespace or control "
                        "characters.")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise UnsafeURL("Not a valid URL.") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UnsafeURL("Webhook URLs must be absolute http or https URLs.")
    if "@" in parts.netloc:
        raise UnsafeURL("Webhook URLs may not contain user information (user@host).")
    if not AUTHORITY.fullmatch(parts.netloc):
        raise UnsafeURL(f"'{parts.netloc}' is not a host and port.")
    try:
        port = parts.port
    except ValueError:
        port = 0  # out of range
    if port is not None and not 1 <= port <= 65535:
        raise UnsafeURL("The port must be a number from 1 to 65535.")
    if parts.netloc.startswith("["):
        host = str(ipaddress.IPv6Address(parts.hostname))  # urlsplit has checked it
    else:
        try:
            host = str(ipaddress.IPv4Address(parts.hostname))
        except ValueError:
            host = _host_name(parts.hostname)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, host, port or DEFAULT_PORTS[parts.scheme], target)


def _host_name(hostname: str) -> str:
    try:
        name = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeURL(f"'{hostname}' is not a valid host name.") from None
    labels = name.removesuffix(".").split(".")
    if len(name) > 253 or not all(LABEL.fullmatch(label) for label in labels):
        raise UnsafeURL(f"'{hostname}' is not a valid host name.")
    if NUMERIC_LABEL.fullmatch(labels[-1]):
        raise UnsafeURL(f"'{hostname}' is neither a host name nor an IPv4 address in "
                        "dotted-decimal form.")
    return name


def vet(url: str) -> Destination:
    """Parse `url` and apply the rules that need no DNS: refuse local host names and
    non-public IP addresses, unless `WEBHOOKS_ALLOW_PRIVATE_URLS` is on."""
    destination = parse(url)
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return destination
    ip = destination.ip
    if ip is None:
        name = destination.host.removesuffix(".")
        if name == "localhost" or name.endswith(LOCAL_SUFFIXES):
            raise UnsafeURL(f"'{destination.host}' is a local host name.")
    elif reason := refusal(ip):
        raise UnsafeURL(f"{ip} is {reason}.")
    return destination


def resolve(destination: Destination) -> list[str]:
    """The addresses to connect to, in the resolver's order: the host looked up once, and
    every address it has vetted (one private address refuses them all)."""
    if (ip := destination.ip) is not None:
        return [str(ip)]  # vetted by `vet`
    try:
        infos = socket.getaddrinfo(destination.host, destination.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"'{destination.host}' does not resolve.") from None
    addresses = list(dict.fromkeys(
        ipaddress.ip_address(info[4][0]) for info in infos
        if info[0] in (socket.AF_INET, socket.AF_INET6)
    ))
    if not addresses:
        raise UnsafeURL(f"'{destination.host}' has no IP address.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        for ip in addresses:
            if reason := refusal(ip):
                raise UnsafeURL(f"'{destination.host}' resolves to {ip}, {reason}.")
    return [str(ip) for ip in addresses]


def refusal(ip: IPAddress) -> str | None:
    """Why webhooks may not go to `ip`, or None if they may: the first entry of
    `IPV4_NON_PUBLIC` or `IPV6_NON_PUBLIC` that holds it, or for IPv6 being outside global
    unicast (2000::/3). The same answer on every Python version."""
    for network, name in IPV4_NON_PUBLIC if ip.version == 4 else IPV6_NON_PUBLIC:
        if ip in network:
            if network in EMBEDS_IPV4:
                return f"an IPv6 address that embeds an IPv4 address ({name}, {network})"
            return ("a loopback, private, link-local or otherwise non-public address "
                    f"({name}, {network})")
    if ip.version == 6 and ip not in IPV6_GLOBAL_UNICAST:
        return ("a loopback, private, link-local or otherwise non-public address "
                f"(outside global unicast, {IPV6_GLOBAL_UNICAST})")
    return None


def is_public(address: str) -> bool:
    """Whether `address` (an IP address as `resolve` returns it) is one webhooks may go to
    when private URLs are not allowed."""
    return refusal(ipaddress.ip_address(address)) is None
