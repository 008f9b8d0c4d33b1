"""The one URL parser and the address rules of webhook destinations (no network)."""

import ipaddress

import pytest

from webhooks_app.urlsafety import (
    IPV4_NON_PUBLIC,
    IPV6_NON_PUBLIC,
    Destination,
    UnsafeURL,
    is_public,
    parse,
    refusal,
    resolve,
    vet,
)

# Refused whatever WEBHOOKS_ALLOW_PRIVATE_URLS says: URLs that two parsers could read
# differently, or that are not http(s) URLs with a host and a port in 1-65535.
MALFORMED = [
    "http://127.0.0.1:18555\\@allowed.example/x",  # the probe: urllib3 goes to 127.0.0.1
    "http://allowed.example\\@127.0.0.1/x",
    "http://allowed.example/\\..\\x",
    "http://user@allowed.example/x",
    "http://user:pass@allowed.example/x",
    "http://allowed.example@127.0.0.1:18555/x",
    "http://allowed.example:80@127.0.0.1/x",
    "http://allowed .example/x",
    "http://allowed.example/x y",
    "http://allowed.example/x\ty",
    "http://allowed.example\n.evil/x",
    "http://allowed.example/\x00",
    "http://allowed.example/\x7f",
    "http://allowed.example\u3000/x",
    "http://allowed.example:99999/x",
    "http://allowed.example:65536/x",
    "http://allowed.example:0/x",
    "http://allowed.example:-1/x",
    "http://allowed.example:80:81/x",
    "http://allowed.example:8o/x",
    "ftp://allowed.example/x",
    "file:///etc/passwd",
    "gopher://allowed.example/x",
    "javascript:alert(1)",
    "//allowed.example/x",
    "/x",
    "http:///x",
    "http://[::1/x",
    "http://[fe80::1%25eth0]/x",
    "http://[::1]evil/x",
    "http://[v1.x]/x",
    "http://[127.0.0.1]/x",
    "http://127.1/x",
    "http://0x7f.1/x",
    "http://2130706433/x",
    "http://017700000001/x",
    "http://127.000.000.001/x",
    "http://1.2.3.4./x",
    "http://a..b/x",
    "http://-a.example/x",
    "http://a_b%2e.example/x",
    "http://" + "a" * 64 + ".example/x",
]

# Refused unless WEBHOOKS_ALLOW_PRIVATE_URLS, as IP literals and as what a name resolves to.
NON_PUBLIC = [
    "127.0.0.1", "127.255.255.254", "::1",  # loopback
    "10.0.0.1", "172.16.0.1", "192.168.1.1", "fc00::1", "fd12:3456::1",  # private
    "169.254.169.254", "fe80::1",  # link-local (cloud metadata among them)
    "100.64.0.1", "100.127.255.254",  # CGNAT
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1",  # multicast
    "240.0.0.1", "255.255.255.255",  # reserved
    "0.0.0.0", "::",  # unspecified
    "192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1",  # documentation
    "::ffff:127.0.0.1", "::ffff:8.8.8.8",  # IPv4-mapped
    "::127.0.0.1", "::8.8.8.8",  # IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::808:808",  # NAT64
    "64:ff9b:1::7f00:1", "64:ff9b:1::808:808",  # local-use NAT64
    "2002:7f00:1::", "2002:808:808::1",  # 6to4
    "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
# Public to the `ipaddress` module of some Python versions (3.12.1 among them), refused by the
# tables on every version.
VERSION_DEPENDENT = ["fec0::1", "192.0.0.8", "3fff::1", "192.88.99.1", "192.0.0.9",
                     "192.31.196.1", "192.52.193.1", "192.175.48.1", "2620:4f:8000::1",
                     "2001:1::1", "2001:4:112::1", "2001:20::1"]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "9.9.9.9", "2606:4700:4700::1111",
          "2a00:1450:4001:82a::200e", "2001:4860:4860::8888", "2620:fe::fe",
          # next to a refused range
          "100.63.255.255", "100.128.0.0", "172.32.0.1", "192.0.1.1", "192.88.100.1",
          "198.20.0.1", "223.255.255.254", "2001:200::1", "3fff:1000::1"]
LOCAL_NAMES = ["localhost", "LOCALHOST", "localhost.", "api.localhost", "printer.local",
               "db.internal", "metadata.google.internal"]


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize("allow_private", [False, True])
@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls_are_refused(url, allow_private, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = allow_private
    with pytest.raises(UnsafeURL):
        vet(url)


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_non_public_addresses_are_refused(address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    assert refusal(ipaddress.ip_address(address))
    with pytest.raises(UnsafeURL):
        vet(f"http://{literal(address)}:8080/hooks")
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    assert vet(f"http://{literal(address)}:8080/hooks").ip == ipaddress.ip_address(address)


@pytest.mark.parametrize("address", VERSION_DEPENDENT)
def test_addresses_some_python_versions_call_public_are_refused(address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    assert refusal(ipaddress.ip_address(address))
    assert not is_public(address)
    with pytest.raises(UnsafeURL, match="non-public address"):
        vet(f"http://{literal(address)}/hooks")


@pytest.mark.parametrize(("network", "name"), IPV4_NON_PUBLIC + IPV6_NON_PUBLIC,
                         ids=lambda entry: str(entry))
def test_every_range_of_the_tables_is_refused_and_named(network, name, settings):
    """Its first, middle and last addresses are refused; the middle one names the range
    (a range listed inside a wider one comes first, and takes its own addresses)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    middle = network[network.num_addresses // 2]
    assert refusal(middle).endswith(f"({name}, {network})")
    for address in (network[0], network[-1]):
        assert refusal(address)
    with pytest.raises(UnsafeURL, match=f"{middle} is an? .*{network}"):
        vet(f"http://{literal(str(middle))}/hooks")


@pytest.mark.parametrize("address", ["4000::1", "8000::1", "1000::1", "::2:1:1:1"])
def test_ipv6_outside_global_unicast_is_refused(address):
    assert refusal(ipaddress.ip_address(address)).endswith("(outside global unicast, 2000::/3)")


def test_the_rule_reads_no_address_property_of_the_interpreter(monkeypatch):
    """`is_private`, `is_global` and the like differ between Python versions: the rule is the
    tables, so it answers the same with every one of them broken."""
    def unavailable(self):
        raise AssertionError("an interpreter-dependent property was read")

    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        for name in ("is_private", "is_global", "is_loopback", "is_link_local",
                     "is_multicast", "is_reserved", "is_unspecified", "is_site_local"):
            if hasattr(cls, name):
                monkeypatch.setattr(cls, name, property(unavailable))
    for address in NON_PUBLIC + VERSION_DEPENDENT:
        assert refusal(ipaddress.ip_address(address)), address
    for address in PUBLIC:
        assert refusal(ipaddress.ip_address(address)) is None, address


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_accepted(address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    assert refusal(ipaddress.ip_address(address)) is None
    assert is_public(address)
    assert vet(f"https://{literal(address)}/hooks").host == str(ipaddress.ip_address(address))


@pytest.mark.parametrize("name", LOCAL_NAMES)
def test_local_host_names_are_refused_unless_allowed(name, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with pytest.raises(UnsafeURL, match="local host name"):
        vet(f"http://{name}:3000/hooks")
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    vet(f"http://{name}:3000/hooks")


@pytest.mark.parametrize(
    ("url", "expected", "rebuilt"),
    [
        ("https://Hooks.Example.com/in?a=1&b=2#frag",
         Destination("https", "hooks.example.com", 443, "/in?a=1&b=2"),
         "https://hooks.example.com/in?a=1&b=2"),
        ("http://hooks.example.com", Destination("http", "hooks.example.com", 80, "/"),
         "http://hooks.example.com/"),
        ("http://hooks.example.com:8080/x", Destination("http", "hooks.example.com", 8080, "/x"),
         "http://hooks.example.com:8080/x"),
        ("https://hooks.example.com:443/x", Destination("https", "hooks.example.com", 443, "/x"),
         "https://hooks.example.com/x"),
        ("http://93.184.216.34:65535/x", Destination("http", "93.184.216.34", 65535, "/x"),
         "http://93.184.216.34:65535/x"),
        ("https://[2606:4700:4700:0::1111]:8443/x",
         Destination("https", "2606:4700:4700::1111", 8443, "/x"),
         "https://[2606:4700:4700::1111]:8443/x"),
        ("https://bücher.example/x", Destination("https", "xn--bcher-kva.example", 443, "/x"),
         "https://xn--bcher-kva.example/x"),
        ("https://hooks.example.com./x", Destination("https", "hooks.example.com.", 443, "/x"),
         "https://hooks.example.com./x"),
        ("https://my_hooks.example.com/@x", Destination("https", "my_hooks.example.com", 443,
                                                        "/@x"),
         "https://my_hooks.example.com/@x"),
    ],
)
def test_a_url_is_parsed_once_into_what_is_connected_to(url, expected, rebuilt, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    destination = vet(url)
    assert destination == expected
    assert destination.url == rebuilt
    assert parse(destination.url) == destination


def test_the_host_header_leaves_out_the_default_port():
    assert parse("http://a.example:80/").authority == "a.example"
    assert parse("http://a.example:443/").authority == "a.example:443"
    assert parse("https://[::1]:8443/").authority == "[::1]:8443"


def test_registration_accepts_a_name_that_does_not_resolve_yet(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    dns.answers["soon.example"] = []
    assert vet("https://soon.example/hooks").host == "soon.example"
    assert dns.asked == []  # vetting a URL needs no DNS


def test_resolve_vets_every_address(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    dns.answers["public.example"] = [["93.184.216.34", "2606:4700:4700::1111"]]
    dns.answers["mixed.example"] = [["93.184.216.34", "10.0.0.7"]]
    dns.answers["sixtofour.example"] = [["2002:a9fe:a9fe::1"]]
    dns.answers["gone.example"] = []
    assert resolve(vet("https://public.example/")) == ["93.184.216.34",
                                                       "2606:4700:4700::1111"]
    with pytest.raises(UnsafeURL, match="10.0.0.7"):
        resolve(vet("https://mixed.example/"))
    with pytest.raises(UnsafeURL, match="embeds an IPv4"):
        resolve(vet("https://sixtofour.example/"))
    with pytest.raises(UnsafeURL, match="does not resolve"):
        resolve(vet("https://gone.example/"))
    assert dns.asked == ["public.example", "mixed.example", "sixtofour.example", "gone.example"]


def test_resolve_allows_private_addresses_when_allowed(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    dns.answers["dev.example"] = [["127.0.0.1", "10.0.0.7"]]
    assert resolve(vet("http://dev.example:3000/")) == ["127.0.0.1", "10.0.0.7"]


def test_an_ip_literal_is_not_looked_up(settings, dns):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    dns.answers["93.184.216.34"] = [["127.0.0.1"]]
    assert resolve(vet("http://93.184.216.34/")) == ["93.184.216.34"]
    assert dns.asked == []
