"""Deliveries in the production configuration (WEBHOOKS_ALLOW_PRIVATE_URLS off) against a
real receiver on 127.0.0.1: what must not reach it does not, and a vetted destination is
reached at the address that was vetted, under its own name (Host, SNI, certificate). With
private URLs allowed, what a non-public address answered is kept only with
WEBHOOKS_SHOW_PRIVATE_RESPONSES."""

import pytest
import urllib3.util.connection
from standardwebhooks.webhooks import Webhook

from accounts.models import Account
from webhooks_app.models import Delivery, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)
PUBLIC_ADDRESS = "93.184.216.34"


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)


@pytest.fixture
def register(admin_api):
    def register(url):
        return admin_api.post("/v1/webhooks/endpoints",
                              {"url": url, "events": ["payment.completed"]}, format="json")

    return register


@pytest.fixture
def connections(monkeypatch):
    """Where urllib3 opens connections. Those to public addresses are refused, so that no
    test leaves this machine; any other goes ahead (so a delivery that wrongly went to the
    loopback receiver, by address or by a name looked up again, reaches it)."""
    real = urllib3.util.connection.create_connection
    opened = []

    def create_connection(address, *args, **kwargs):
        opened.append(address)
        if address[0] == PUBLIC_ADDRESS:
            raise ConnectionRefusedError(f"test: no connection to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return opened


def smuggled_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}\\@allowed.example/hooks",  # urllib3: host 127.0.0.1
        f"http://allowed.example@127.0.0.1:{port}/hooks",
    ]


def stored_endpoint(account: Account, url: str) -> WebhookEndpoint:
    """An endpoint as an older release may have stored it, without today's checks."""
    Account.objects.filter(pk=account.pk).update(has_webhook_endpoints=True)
    return WebhookEndpoint.objects.create(account=account, url=url, events=["payment.completed"])


@pytest.mark.parametrize("allow_private", [False, True])
def test_userinfo_and_backslash_urls_are_refused_at_registration(
    register, receiver, settings, allow_private
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = allow_private
    for url in smuggled_urls(receiver.port):
        response = register(url)
        assert response.status_code == 422, url
        error = response.json()["error"]
        assert (error["code"], error["param"]) == ("url_not_allowed", "url")
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize("index", [0, 1])
def test_userinfo_and_backslash_urls_are_refused_at_delivery(
    production, demo, receiver, dns, create_payment, run_tasks, index
):
    dns.answers["allowed.example"] = [[PUBLIC_ADDRESS]]
    stored_endpoint(demo, smuggled_urls(receiver.port)[index])
    create_payment()
    run_tasks()
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.error.startswith("Refused:")


def test_dns_rebinding_cannot_reach_the_loopback_receiver(
    production, register, receiver, dns, connections, create_payment, run_tasks
):
    """The name answers a public address to the first lookup and 127.0.0.1 to any later
    one: the delivery looks it up once and connects to the address it vetted."""
    dns.answers["rebind.example"] = [[PUBLIC_ADDRESS], ["127.0.0.1"]]
    assert register(f"http://rebind.example:{receiver.port}/hooks").status_code == 201
    create_payment()
    run_tasks()
    assert receiver.requests == []
    assert dns.asked == ["rebind.example"]
    assert connections == [(PUBLIC_ADDRESS, receiver.port)]
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "ConnectionError" in delivery.error


@pytest.mark.parametrize("answer", [["127.0.0.1"], [PUBLIC_ADDRESS, "127.0.0.1"],
                                    ["::ffff:127.0.0.1"], ["64:ff9b::7f00:1"]])
def test_a_name_with_a_non_public_address_is_refused_at_delivery(
    production, register, receiver, dns, connections, create_payment, run_tasks, answer
):
    dns.answers["inside.example"] = [answer]
    assert register(f"http://inside.example:{receiver.port}/hooks").status_code == 201
    create_payment()
    run_tasks()
    assert receiver.requests == [] and connections == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.error.startswith("Refused:")


def test_a_name_resolving_to_the_receiver_is_delivered_when_private_urls_are_allowed(
    settings, register, receiver, dns, create_payment, run_tasks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    dns.answers["hooks.example"] = [["127.0.0.1"]]
    secret = register(f"http://hooks.example:{receiver.port}/hooks").json()["secret"]
    create_payment()
    run_tasks()
    [received] = receiver.requests
    assert received.headers["Host"] == f"hooks.example:{receiver.port}"
    event = Webhook(secret).verify(received.body, received.headers)
    assert event["type"] == "payment.completed"
    assert dns.asked == ["hooks.example"]
    assert Delivery.objects.get().status == "succeeded"


def test_the_next_vetted_address_is_tried_when_one_refuses_connections(
    settings, register, receiver, dns, create_payment, run_tasks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    dns.answers["hooks.example"] = [["127.0.0.2", "127.0.0.1"]]  # nothing listens on .2
    register(f"http://hooks.example:{receiver.port}/hooks")
    create_payment()
    run_tasks()
    assert len(receiver.requests) == 1
    assert dns.asked == ["hooks.example"]
    assert Delivery.objects.get().status == "succeeded"


def test_https_to_a_pinned_address_checks_the_certificate_against_the_host_name(
    settings, register, tls_receiver, dns, create_payment, run_tasks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    dns.answers["hooks.example"] = [["127.0.0.1"]]
    secret = register(f"https://hooks.example:{tls_receiver.port}/hooks").json()["secret"]
    create_payment()
    run_tasks()
    [received] = tls_receiver.requests
    assert tls_receiver.server_names == ["hooks.example"]
    assert received.headers["Host"] == f"hooks.example:{tls_receiver.port}"
    Webhook(secret).verify(received.body, received.headers)


def test_https_to_a_name_the_certificate_does_not_cover_fails(
    settings, register, tls_receiver, dns, create_payment, run_tasks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    dns.answers["other.example"] = [["127.0.0.1"]]
    register(f"https://other.example:{tls_receiver.port}/hooks")
    create_payment()
    run_tasks()
    assert tls_receiver.requests == []
    assert tls_receiver.server_names == ["other.example"]
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "SSLError" in delivery.error


@pytest.fixture
def public_receiver(monkeypatch, receiver):
    """Connections to PUBLIC_ADDRESS reach the loopback receiver instead: a receiver at a
    public address, as far as the sender can tell."""
    real = urllib3.util.connection.create_connection

    def create_connection(address, *args, **kwargs):
        if address[0] == PUBLIC_ADDRESS:
            address = ("127.0.0.1", address[1])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return receiver


ANSWER = b'{"service": "internal-admin", "version": "7.2"}'


@pytest.mark.parametrize("status", [200, 500])
def test_what_a_private_address_answered_is_not_kept_by_default(
    settings, register, receiver, create_payment, run_tasks, admin_api, status
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True  # the receiver is on 127.0.0.1
    settings.WEBHOOK_RETRY_SCHEDULE = (0,)
    assert settings.WEBHOOKS_SHOW_PRIVATE_RESPONSES is False  # the default
    receiver.answers = [(status, {}, ANSWER)]
    register(receiver.url)
    create_payment()
    run_tasks()
    assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.response_status == status and delivery.latency_ms is not None
    assert delivery.error == ("" if status == 200 else "HTTP 500")
    assert delivery.response_body == ""
    [logged] = admin_api.get("/v1/webhooks/deliveries").json()["data"]
    assert (logged["response_status"], logged["response_body"]) == (status, "")


def test_what_a_private_address_answered_is_kept_with_webhooks_show_private_responses(
    settings, register, receiver, create_payment, run_tasks, admin_api
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_SHOW_PRIVATE_RESPONSES = True
    receiver.answers = [(200, {}, ANSWER)]
    register(receiver.url)
    create_payment()
    run_tasks()
    delivery = Delivery.objects.get()
    assert (delivery.response_status, delivery.response_body) == (200, ANSWER.decode())
    assert delivery.latency_ms is not None
    [logged] = admin_api.get("/v1/webhooks/deliveries").json()["data"]
    assert logged["response_body"] == ANSWER.decode()


@pytest.mark.parametrize("allow_private", [False, True])
def test_what_a_public_address_answered_is_kept(
    settings, register, public_receiver, dns, create_payment, run_tasks, allow_private
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = allow_private
    public_receiver.answers = [(200, {}, ANSWER)]
    dns.answers["hooks.example"] = [[PUBLIC_ADDRESS]]
    register(f"http://hooks.example:{public_receiver.port}/hooks")
    create_payment()
    run_tasks()
    assert len(public_receiver.requests) == 1
    assert Delivery.objects.get().response_body == ANSWER.decode()


def test_the_address_connected_to_decides_whether_the_answer_is_kept(
    settings, register, receiver, dns, connections, create_payment, run_tasks
):
    """The name has a public address too, but that one refuses connections: the answer came
    from 127.0.0.1, and is not kept."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    receiver.answers = [(200, {}, ANSWER)]
    dns.answers["hooks.example"] = [[PUBLIC_ADDRESS, "127.0.0.1"]]
    register(f"http://hooks.example:{receiver.port}/hooks")
    create_payment()
    run_tasks()
    assert connections == [(PUBLIC_ADDRESS, receiver.port), ("127.0.0.1", receiver.port)]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.response_body) == (
        "succeeded", 200, "")
