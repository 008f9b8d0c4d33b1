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

DEFAULT_PORTS = {"http": 80, "https": 443}
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")
# RFC 6598 shared address space (carrier-grade NAT): not private, but not reachable as public.
SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")
# IPv6 forms that carry an IPv4 address a host or a gateway may route to: IPv4-mapped,
# IPv4-compatible, NAT64 (RFC 6052, RFC 8215), 6to4 and Teredo. Refused whatever they embed.
EMBEDS_IPV4 = tuple(ipaddress.IPv6Network(net) for net in (
    "::ffff:0:0/96", "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32"))
# host[:port] and nothing more: a bracketed IPv6 address, or a host without brackets or colons.
AUTHORITY = re.compile(r"(?:\[[0-9a-f:.]+\]|[^\[\]:]+)(?::[0-9]*)?", re.IGNORECASE)
LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# A last label that is a number makes resolvers read the whole name as an IPv4 address
# ("127.1", "0x7f.1", "2130706433"), unseen by the address rules at registration.
NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


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
    """Why webhooks may not go to `ip`, or None if they may."""
    if (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or ip in SHARED_ADDRESS_SPACE
            or not ip.is_global):
        return "a loopback, private, link-local or otherwise non-public address"
    if ip.version == 6 and any(ip in net for net in EMBEDS_IPV4):
        return "an IPv6 address that embeds an IPv4 address"
    return None
