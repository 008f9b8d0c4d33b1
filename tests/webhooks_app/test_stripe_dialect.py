"""Stripe-shaped webhooks (`/stripe/v1`): endpoints in Stripe's form-encoded API, events in
Stripe's shape, delivered on the same machinery and signed with `Stripe-Signature`, which
the official SDK's `stripe.Webhook.construct_event` verifies. Standard Webhooks endpoints and
events (`/v1`) and Stripe's never cross."""

import base64
import itertools
import json
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import stripe
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account
from tests.support.credentials import ADMIN_KEY, STANDARD_KEY, client_for
from tests.support.errors import stripe_error, v1_error
from webhooks_app import sender, services
from webhooks_app.api.stripe import signing
from webhooks_app.models import Delivery, Event, WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)

FORM = "application/x-www-form-urlencoded"
CUSTOMER = {"id": "cus_1", "object": "customer", "email": "jenny@example.com",
            "livemode": False, "metadata": {}}


def form(client, path, fields: list[tuple[str, str]], key: str | None = None):
    """POST a form body in Stripe's bracket notation, as the SDK sends it."""
    body = urlencode(fields).replace("%5B", "[").replace("%5D", "]")
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type=FORM, **headers)


@pytest.fixture
def stripe_api(demo):
    """The admin demo key (webhooks:manage), sent as `curl -u KEY:` sends it."""
    client = client_for(None)
    token = base64.b64encode(f"{ADMIN_KEY}:".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


@pytest.fixture
def stripe_endpoint(stripe_api, receiver):
    """Stripe endpoints on the receiver, each on a URL of its own (one endpoint per URL)."""
    urls = (f"{receiver.url}?stripe={n}" for n in itertools.count())

    def register(*enabled_events, url=None, **extra):
        fields = [("url", url or next(urls))]
        fields += [(f"enabled_events[{i}]", name) for i, name in
                   enumerate(enabled_events or ("*",))]
        fields += list(extra.items())
        response = form(stripe_api, "/stripe/v1/webhook_endpoints", fields)
        assert response.status_code == 200, response.content
        return response.json()

    return register


def _demo() -> Account:
    return Account.objects.get(public_id=DEMO_ACCOUNT_ID)  # fresh, as a request reads it


def emit(*events, format="stripe"):
    """Record events of `format` as a service does: inside a transaction, delivered after it
    commits."""
    with transaction.atomic():
        return services.events_record(account=_demo(), events=[
            (format, event_type, data) for event_type, data in events])


# --- Delivery and signatures ---------------------------------------------------------------


def test_a_delivered_event_verifies_with_construct_event_and_has_stripes_shape(
        stripe_endpoint, receiver, run_tasks):
    endpoint = stripe_endpoint("customer.created")
    [event] = emit(("customer.created", CUSTOMER))
    run_tasks()
    [received] = receiver.requests
    signature = received.headers["Stripe-Signature"]
    verified = stripe.Webhook.construct_event(received.body, signature, endpoint["secret"])
    assert isinstance(verified, stripe.Event)
    assert isinstance(verified.data.object, stripe.Customer)
    assert (verified.id, verified.type, verified.data.object.id) == (
        event.public_id, "customer.created", "cus_1")
    body = json.loads(received.body)
    assert body == {
        "id": event.public_id, "object": "event", "api_version": stripe.api_version,
        "created": int(event.created_at.timestamp()), "data": {"object": CUSTOMER},
        "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None}, "type": "customer.created",
    }
    assert received.body == event.payload.encode()  # signed and sent byte for byte
    assert signature.startswith("t=") and ",v1=" in signature and " " not in signature
    assert received.headers["Content-Type"].startswith("application/json")
    assert not any(name.lower().startswith("webhook-") for name in received.headers)
    assert Delivery.objects.get().status == "succeeded"


def test_a_wrong_secret_or_a_tampered_body_does_not_verify(stripe_endpoint, receiver,
                                                           run_tasks):
    endpoint = stripe_endpoint("customer.created")
    emit(("customer.created", CUSTOMER))
    run_tasks()
    [received] = receiver.requests
    signature = received.headers["Stripe-Signature"]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body, signature, "whsec_" + "A" * 32)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body.replace(b"cus_1", b"cus_2"), signature,
                                       endpoint["secret"])


def test_the_signer_matches_the_sdks_own_header():
    at = timezone.now()
    payload = '{"id":"evt_1","object":"event"}'
    header = signing.stripe_signature(secrets=["whsec_abc"], payload=payload, at=at)
    assert header == stripe.WebhookSignature.generate_signature_header(
        payload, "whsec_abc", int(at.timestamp()))
    headers = sender.signed_headers(secrets=["whsec_abc"], message_id="evt_1", payload=payload,
                                    at=at, format="stripe")
    assert headers["Stripe-Signature"] == header and "webhook-signature" not in headers


def test_during_a_rotation_both_secrets_verify(stripe_endpoint, receiver, run_tasks):
    endpoint = stripe_endpoint("customer.updated")
    rotated = services.endpoint_rotate_secret(account=_demo(), endpoint_id=endpoint["id"],
                                              expire_previous_in_seconds=3600,
                                              format="stripe")
    emit(("customer.updated", CUSTOMER))
    run_tasks()
    [received] = receiver.requests
    signature = received.headers["Stripe-Signature"]
    assert signature.count("v1=") == 2
    for secret in (rotated.secret, endpoint["secret"]):
        assert stripe.Webhook.construct_event(received.body, signature, secret).type == (
            "customer.updated")


def test_a_failed_attempt_is_retried_and_signed_anew(stripe_endpoint, receiver, run_tasks):
    receiver.answers = [(500, {}), (200, {})]
    endpoint = stripe_endpoint("customer.deleted")
    emit(("customer.deleted", CUSTOMER))
    run_tasks()
    first, second = receiver.requests
    assert first.body == second.body
    for received in (first, second):
        stripe.Webhook.construct_event(received.body, received.headers["Stripe-Signature"],
                                       endpoint["secret"])
    assert list(Delivery.objects.order_by("attempt").values_list("attempt", "status")) == [
        (1, "failed"), (2, "succeeded")]


def test_only_enabled_events_are_sent_and_star_means_all(stripe_endpoint, receiver,
                                                         run_tasks):
    stripe_endpoint("payment_intent.succeeded", "charge.refunded")
    everything = stripe_endpoint()  # enabled_events[0]=*
    assert everything["enabled_events"] == ["*"]
    emit(("customer.created", CUSTOMER),
         ("charge.refunded", {"id": "ch_1", "object": "charge"}))
    run_tasks()
    assert sorted(json.loads(r.body)["type"] for r in receiver.requests) == [
        "charge.refunded", "charge.refunded", "customer.created"]
    pending = {e.type: json.loads(e.payload)["pending_webhooks"] for e in Event.objects.all()}
    assert pending == {"customer.created": 1, "charge.refunded": 2}


# --- Dialects do not cross -------------------------------------------------------------------


def test_dialects_do_not_cross(stripe_endpoint, receiver, admin_api, run_tasks, api):
    stripe_secret = stripe_endpoint()["secret"]
    standard = admin_api.post("/v1/webhooks/endpoints",
                              {"url": receiver.url, "events": ["refund.created"]},
                              format="json").json()
    # The same name in both dialects: each event goes to its own dialect's endpoints only.
    [ours] = emit(("refund.created", {"id": "re_1", "object": "refund"}))
    [theirs] = emit(("refund.created", {"id": "rfd_1", "amount": 1.5}), format="v1")
    run_tasks()
    assert len(receiver.requests) == 2
    by_id = {}
    for received in receiver.requests:
        if "Stripe-Signature" in received.headers:
            event = stripe.Webhook.construct_event(
                received.body, received.headers["Stripe-Signature"], stripe_secret)
            by_id[event.id] = "stripe"
        else:
            event = Webhook(standard["secret"]).verify(received.body, received.headers)
            by_id[event["id"]] = "standard"
    assert by_id == {ours.public_id: "stripe", theirs.public_id: "standard"}
    assert json.loads(ours.payload)["pending_webhooks"] == 1

    # Each surface lists and finds only its own.
    v1_events = [e["id"] for e in api.get("/v1/webhooks/events").json()["data"]]
    assert v1_events == [theirs.public_id]
    v1_error(api.get(f"/v1/webhooks/events/{ours.public_id}"), 404, code="resource_missing",
             message=f"Event '{ours.public_id}' not found.")
    stripe_events = [e["id"] for e in admin_api.get("/stripe/v1/events").json()["data"]]
    assert stripe_events == [ours.public_id]
    missing = admin_api.get(f"/stripe/v1/events/{theirs.public_id}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "resource_missing"
    v1_endpoints = admin_api.get("/v1/webhooks/endpoints").json()["data"]
    assert [e["id"] for e in v1_endpoints] == [standard["id"]]
    stripe_endpoints = admin_api.get("/stripe/v1/webhook_endpoints").json()["data"]
    assert standard["id"] not in [e["id"] for e in stripe_endpoints]
    answer = admin_api.get(f"/stripe/v1/webhook_endpoints/{standard['id']}")
    assert answer.status_code == 404
    assert answer.json() == {"error": {
        "type": "invalid_request_error", "code": "resource_missing", "param": "id",
        "message": f"No such webhook endpoint: '{standard['id']}'"}}
    stripe_id = stripe_endpoints[0]["id"]
    not_v1s = {"code": "resource_missing", "param": "endpoint_id",
               "message": f"Webhook endpoint '{stripe_id}' not found."}
    v1_error(admin_api.get(f"/v1/webhooks/endpoints/{stripe_id}"), 404, **not_v1s)
    v1_error(admin_api.delete(f"/v1/webhooks/endpoints/{stripe_id}"), 404, **not_v1s)
    v1_error(admin_api.patch(f"/v1/webhooks/endpoints/{stripe_id}", {"enabled": False},
                             format="json"), 404, **not_v1s)
    redeliver = admin_api.post(f"/v1/webhooks/events/{ours.public_id}/redeliver", {},
                               format="json")
    v1_error(redeliver, 404, code="resource_missing", param="event_id")
    deliveries = admin_api.get("/v1/webhooks/deliveries").json()["data"]
    assert {d["endpoint_id"] for d in deliveries} == {standard["id"]}


def test_a_standard_emission_skips_stripe_endpoints_without_changing_its_shape(
        stripe_endpoint, receiver, create_payment, run_tasks):
    stripe_endpoint()
    create_payment()
    run_tasks()
    assert receiver.requests == []
    event = Event.objects.filter(type="payment.created").get()
    assert event.format == "v1"
    assert set(json.loads(event.payload)) == {"id", "type", "created_at", "data"}


def test_a_resend_goes_to_endpoints_of_the_events_dialect(
        stripe_endpoint, receiver, admin_api, run_tasks):
    stripe_endpoint()
    admin_api.post("/v1/webhooks/endpoints", {"url": receiver.url, "events":
                                              ["refund.created"]}, format="json")
    [event] = emit(("refund.created", {"id": "re_1", "object": "refund"}))
    run_tasks()
    receiver.requests.clear()
    endpoints = [e for e in WebhookEndpoint.objects.all() if e.receives(event)]
    assert [e.format for e in endpoints] == ["stripe"]
    services.delivery_resend(event=event, endpoint=endpoints[0])
    run_tasks()
    [received] = receiver.requests
    assert "Stripe-Signature" in received.headers


def test_the_account_flag_follows_endpoints_of_either_dialect(stripe_api, stripe_endpoint):
    assert not _demo().has_webhook_endpoints
    created = stripe_endpoint()
    assert _demo().has_webhook_endpoints
    assert stripe_api.delete(f"/stripe/v1/webhook_endpoints/{created['id']}").status_code == 200
    assert not _demo().has_webhook_endpoints


# --- Endpoints over HTTP, form-encoded ------------------------------------------------------


def test_endpoint_create_retrieve_update_delete(stripe_api, receiver):
    key = str(uuid.uuid4())
    fields = [("url", receiver.url), ("enabled_events[0]", "payment_intent.succeeded"),
              ("enabled_events[1]", "charge.refunded"), ("description", "Orders"),
              ("metadata[order_id]", "42")]
    created = form(stripe_api, "/stripe/v1/webhook_endpoints", fields, key=key)
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["id"].startswith("we_") and body["secret"].startswith("whsec_")
    assert {k: v for k, v in body.items() if k not in ("id", "created", "secret")} == {
        "object": "webhook_endpoint", "api_version": None, "application": None,
        "description": "Orders", "enabled_events": ["payment_intent.succeeded",
                                                    "charge.refunded"],
        "livemode": False, "metadata": {"order_id": "42"}, "status": "enabled",
        "url": receiver.url}
    assert isinstance(body["created"], int)
    assert WebhookEndpoint.objects.get().format == "stripe"

    replay = form(stripe_api, "/stripe/v1/webhook_endpoints", fields, key=key)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == {**body, "secret": None}
    assert WebhookEndpoint.objects.count() == 1

    path = f"/stripe/v1/webhook_endpoints/{body['id']}"
    retrieved = stripe_api.get(path).json()
    assert "secret" not in retrieved
    assert retrieved == {k: v for k, v in body.items() if k != "secret"}

    updated = form(stripe_api, path, [
        ("url", receiver.url + "/v2"), ("enabled_events[]", "customer.created"),
        ("description", ""), ("metadata[order_id]", ""), ("metadata[tier]", "gold"),
        ("disabled", "true")])
    assert updated.status_code == 200, updated.content
    updated = updated.json()
    assert (updated["url"], updated["enabled_events"], updated["description"],
            updated["metadata"], updated["status"]) == (
        receiver.url + "/v2", ["customer.created"], None, {"tier": "gold"}, "disabled")
    assert "secret" not in updated
    enabled = form(stripe_api, path, [("disabled", "false"), ("metadata", "")]).json()
    assert (enabled["status"], enabled["metadata"]) == ("enabled", {})

    deleted = stripe_api.delete(path)
    assert deleted.status_code == 200
    assert deleted.json() == {"id": body["id"], "object": "webhook_endpoint", "deleted": True}
    gone = stripe_api.get(path)
    assert gone.status_code == 404
    assert gone.json()["error"] == {
        "type": "invalid_request_error", "code": "resource_missing", "param": "id",
        "message": f"No such webhook endpoint: '{body['id']}'"}
    assert stripe_api.delete(path).status_code == 404


def test_endpoint_list_is_a_cursor_list(stripe_api, stripe_endpoint):
    ids = [stripe_endpoint()["id"] for _ in range(3)]
    page = stripe_api.get("/stripe/v1/webhook_endpoints?limit=2").json()
    assert page["object"] == "list" and page["url"] == "/v1/webhook_endpoints"
    assert [e["id"] for e in page["data"]] == ids[::-1][:2] and page["has_more"]
    assert all("secret" not in e for e in page["data"])
    rest = stripe_api.get(f"/stripe/v1/webhook_endpoints?limit=2&starting_after="
                          f"{page['data'][-1]['id']}").json()
    assert [e["id"] for e in rest["data"]] == [ids[0]] and not rest["has_more"]


@pytest.mark.parametrize(("fields", "param", "code"), [
    ([("enabled_events[0]", "*")], "url", "parameter_missing"),
    ([("url", "https://example.com/h")], "enabled_events", "parameter_missing"),
    ([("url", "https://example.com/h"), ("enabled_events[0]", "customer.created"),
      ("enabled_events[1]", "payment.completed")], "enabled_events[1]", None),
    ([("url", "not a url"), ("enabled_events[0]", "*")], "url", None),
    ([("url", "ftp://example.com/h"), ("enabled_events[0]", "*")], "url", None),
    ([("url", "https://example.com/h"), ("enabled_events[0]", "*"),
      ("metadata[a][b]", "c")], "metadata", None),
])
def test_invalid_parameters_are_400_invalid_request_errors(stripe_api, fields, param, code):
    response = form(stripe_api, "/stripe/v1/webhook_endpoints", fields)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error.get("code") == code  # None: Stripe publishes no code for it, none is sent
    assert not WebhookEndpoint.objects.exists()


def test_any_real_stripe_event_type_can_be_enabled(stripe_endpoint):
    created = stripe_endpoint("invoice.paid", "customer.subscription.deleted")
    assert created["enabled_events"] == ["invoice.paid", "customer.subscription.deleted"]


def test_scopes_and_credentials(demo, receiver):
    payments_only = client_for(STANDARD_KEY)  # no webhooks:manage
    denied = form(payments_only, "/stripe/v1/webhook_endpoints",
                  [("url", receiver.url), ("enabled_events[0]", "*")])
    stripe_error(denied, 403, type="invalid_request_error", code=None,  # no Stripe code
                 message="This credential lacks the 'webhooks:manage' scope.")
    assert not WebhookEndpoint.objects.exists()
    assert payments_only.get("/stripe/v1/events").status_code == 200  # payments:read
    anonymous = client_for(None).get("/stripe/v1/webhook_endpoints")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["type"] == "authentication_error"


# --- Events over HTTP ---------------------------------------------------------------------


def test_events_list_filters_by_type_and_walks_with_cursors(stripe_api):
    emitted = []
    for number in range(5):
        kind = "customer.created" if number % 2 == 0 else "customer.updated"
        [event] = emit((kind, {**CUSTOMER, "id": f"cus_{number}"}))
        emitted.append(event)
    emit(("refund.created", {"id": "re_1", "object": "refund"}))
    newest_first = [e.public_id for e in emitted[::-1]]

    page = stripe_api.get("/stripe/v1/events?type=customer.created&limit=2").json()
    created = [e.public_id for e in emitted if e.type == "customer.created"][::-1]
    assert page["url"] == "/v1/events" and page["has_more"]
    assert [e["id"] for e in page["data"]] == created[:2]
    rest = stripe_api.get("/stripe/v1/events", {
        "type": "customer.created", "limit": 2, "starting_after": page["data"][-1]["id"]}).json()
    assert [e["id"] for e in rest["data"]] == created[2:] and not rest["has_more"]

    walked, after = [], None
    while True:
        query = {"limit": 2, "type": "customer.*"} | ({"starting_after": after} if after else {})
        page = stripe_api.get("/stripe/v1/events", query).json()
        walked += [e["id"] for e in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert walked == newest_first

    both = stripe_api.get("/stripe/v1/events?types%5B0%5D=customer.updated"
                          "&types%5B1%5D=refund.created").json()
    assert [e["type"] for e in both["data"]] == ["refund.created", "customer.updated",
                                                 "customer.updated"]
    earlier = stripe_api.get("/stripe/v1/events", {
        "ending_before": newest_first[-1], "limit": 2, "type": "customer.*"}).json()
    assert [e["id"] for e in earlier["data"]] == newest_first[-3:-1] and earlier["has_more"]
    conflict = stripe_api.get("/stripe/v1/events?type=a&types[0]=b")
    assert conflict.status_code == 400 and conflict.json()["error"]["param"] == "types"


def test_an_event_is_retrieved_as_it_was_delivered(stripe_api):
    [event] = emit(("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent",
                                                 "amount": 2000, "status": "succeeded"}))
    answer = stripe_api.get(f"/stripe/v1/events/{event.public_id}")
    assert answer.status_code == 200
    assert answer.json() == json.loads(event.payload)
    assert answer.json()["pending_webhooks"] == 0
    missing = stripe_api.get("/stripe/v1/events/evt_nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No such event: 'evt_nope'"


def test_event_times_are_the_accounts_clock(stripe_api):
    account = _demo()
    account.clock_offset_seconds = int(timedelta(days=3).total_seconds())
    account.save(update_fields=["clock_offset_seconds"])
    [event] = emit(("customer.created", CUSTOMER))
    created = stripe_api.get(f"/stripe/v1/events/{event.public_id}").json()["created"]
    assert created == int(event.created_at.timestamp())
    assert abs(created - (time.time() + timedelta(days=3).total_seconds())) < 60


# --- The official SDK as the client -----------------------------------------------------------


def test_the_sdk_manages_endpoints_and_walks_events(sdk, receiver):
    endpoint = stripe.WebhookEndpoint.create(
        url=receiver.url, enabled_events=["customer.created", "customer.deleted"],
        metadata={"team": "billing"})
    assert isinstance(endpoint, stripe.WebhookEndpoint) and endpoint.secret.startswith("whsec_")
    fetched = stripe.WebhookEndpoint.retrieve(endpoint.id)
    assert fetched.metadata["team"] == "billing" and "secret" not in fetched
    modified = stripe.WebhookEndpoint.modify(endpoint.id, disabled=True,
                                             enabled_events=["*"])
    assert (modified.status, modified.enabled_events) == ("disabled", ["*"])
    assert endpoint.id in [e.id for e in stripe.WebhookEndpoint.list(limit=1)
                           .auto_paging_iter()]
    ids = [emit(("customer.created", {**CUSTOMER, "id": f"cus_{n}"}))[0].public_id
           for n in range(5)]
    walked = [e.id for e in stripe.Event.list(limit=2, type="customer.created")
              .auto_paging_iter()]
    assert walked == ids[::-1]
    event = stripe.Event.retrieve(ids[0])
    assert isinstance(event.data.object, stripe.Customer)
    deleted = stripe.WebhookEndpoint.delete(endpoint.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.WebhookEndpoint.retrieve(endpoint.id)
    assert raised.value.http_status == 404 and raised.value.code == "resource_missing"


# --- The local forwarder --------------------------------------------------------------------


def test_the_forwarder_forwards_stripe_events_signed_as_stripe_signs(live_server, demo,
                                                                      receiver):
    from tests.support.webhooks import Forwarder

    emit(("customer.created", {**CUSTOMER, "id": "cus_before"}))  # before it started
    forwarder = Forwarder("--forward-to", receiver.url, "--base-url", live_server.url,
                          "--api-key", STANDARD_KEY, "--dialect", "stripe")
    ready = forwarder.line()
    assert ready.startswith("Ready. Signing secret: whsec_")
    secret = ready.rsplit(" ", 1)[1]
    forwarder.line()
    time.sleep(0.5)  # it has learned which events already exist
    [ours] = emit(("customer.created", {**CUSTOMER, "id": "cus_after"}))
    emit(("refund.created", {"id": "rfd_1"}), format="v1")  # not this dialect's
    deadline = time.monotonic() + 20
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # a few more polls: nothing may come twice, nor the standard event
    code, output = forwarder.stop()
    assert code == 0, output
    [received] = receiver.requests
    event = stripe.Webhook.construct_event(received.body, received.headers["Stripe-Signature"],
                                           secret)
    assert (event.id, event.data.object.id) == (ours.public_id, "cus_after")
