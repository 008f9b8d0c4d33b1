"""The operators' admin: pages, actions through services, CSV export, dashboard, login."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from accounts.models import ApiKey, hash_secret
from payments.models import Payment
from refunds.models import Refund
from tests.conftest import PAYMENT_BODY

CHANGELIST = "/admin/payments/payment/"


@pytest.fixture
def staff(client, django_user_model, demo):
    user = django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    client.force_login(user)
    client.user = user
    return client


def action(client, name, payments, **extra):
    return client.post(CHANGELIST, {"action": name,
                                    "_selected_action": [p.pk for p in payments], **extra},
                       follow=True)


def test_list_shows_amount_status_method_customer(staff, create_payment):
    create_payment(amount=1500, currency="JPY")
    create_payment(amount=13.00)
    html = staff.get(CHANGELIST).content.decode()
    assert "1,500 JPY" in html and "13.00 USD" in html
    assert 'class="status-badge"' in html and "failed" in html
    assert "customer@example.com" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("status__exact=failed", 1), ("currency__exact=JPY", 1), ("payment_method__exact=crypto", 1),
    ("q=Order+%2312345", 3), ("q=WIDGET-PRO-001", 3), ("q=idem-key-777", 1),
])
def test_filters_and_search(staff, create_payment, api, query, expected):
    create_payment(amount=13.00)
    create_payment(currency="JPY", amount=1500, payment_method="crypto")
    api.post("/v1/payments", PAYMENT_BODY, format="json",
             headers={"Idempotency-Key": "idem-key-777"})
    response = staff.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_search_finds_metadata_values(staff, create_payment):
    create_payment(metadata={"order_id": "ZX-4242"})
    create_payment()
    assert staff.get(f"{CHANGELIST}?q=ZX-4242").context["cl"].result_count == 1


def test_detail_is_read_only_with_refunds_events_and_idempotency_link(staff, api):
    payment_id = api.post("/v1/payments", PAYMENT_BODY, format="json",
                          headers={"Idempotency-Key": "detail-key-1"}).json()["id"]
    api.post(f"/v1/payments/{payment_id}/refund", {"amount": 10}, format="json")
    payment = Payment.objects.get(public_id=payment_id)
    html = staff.get(f"{CHANGELIST}{payment.pk}/change/").content.decode()
    assert "49.99 USD" in html and "10.00 USD" in html
    assert Refund.objects.get().public_id in html
    for event in ("payment.created", "payment.completed", "refund.created", "payment.refunded"):
        assert event in html
    assert "/admin/api/idempotencykey/" in html
    assert 'name="amount"' not in html and "Save" not in html  # nothing editable


def test_refund_action_partial_and_full(staff, completed_payment):
    response = action(staff, "refund", [completed_payment])
    assert b'name="amount"' in response.content  # the form first
    action(staff, "refund", [completed_payment], apply="1", amount="25.00",
           reason="requested_by_customer")
    completed_payment.refresh_from_db()
    assert (completed_payment.refunded_minor, completed_payment.status) == (
        2500, "partially_refunded")
    action(staff, "refund", [completed_payment], apply="1", amount="")
    completed_payment.refresh_from_db()
    assert completed_payment.status == "refunded"
    assert sum(Refund.objects.values_list("amount_minor", flat=True)) == 10000
    entries = LogEntry.objects.filter(object_id=str(completed_payment.pk))
    assert entries.count() == 2 and {e.user.username for e in entries} == {"ops"}


def test_refund_action_keeps_the_apis_rules_and_messages(staff, create_payment):
    failed = Payment.objects.get(public_id=create_payment(amount=13.00).json()["id"])
    response = action(staff, "refund", [failed], apply="1", amount="")
    messages = [str(m) for m in response.context["messages"]]
    assert f"{failed.public_id}: Payment '{failed.public_id}' cannot be refunded. " \
           "Current status: 'failed'." in messages
    assert not Refund.objects.exists()


def test_refund_over_the_balance_is_refused(staff, completed_payment):
    response = action(staff, "refund", [completed_payment], apply="1", amount="100.01")
    assert any("exceeds the remaining refundable balance" in str(m)
               for m in response.context["messages"])
    assert not Refund.objects.exists()


def test_cancel_action(staff, create_payment):
    pending = Payment.objects.get(
        public_id=create_payment(payment_method="bank_transfer").json()["id"])
    done = Payment.objects.get(public_id=create_payment().json()["id"])
    response = action(staff, "cancel", [pending, done])
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    assert any("cannot be cancelled. Current status: 'completed'" in str(m)
               for m in response.context["messages"])


def test_export_csv_of_the_current_filter(staff, create_payment):
    create_payment(amount=13.00)
    create_payment(currency="EUR")
    response = staff.get(f"{CHANGELIST}export/?currency__exact=EUR")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["id", "created_at", "status", "amount", "currency"]
    assert len(rows) == 2 and rows[1][3:5] == ["49.99", "EUR"]
    assert "Export CSV" in staff.get(CHANGELIST).content.decode()


def test_nothing_changes_money_or_status_outside_the_actions(staff, completed_payment):
    url = f"{CHANGELIST}{completed_payment.pk}/change/"
    staff.post(url, {"amount": "1", "status": "refunded", "refunded_amount": "10000"})
    completed_payment.refresh_from_db()
    assert (completed_payment.amount_minor, completed_payment.status) == (10000, "completed")
    assert staff.get(f"{CHANGELIST}add/").status_code == 403
    assert staff.post(f"{CHANGELIST}{completed_payment.pk}/delete/").status_code == 403


def test_dashboard_on_the_admin_index(staff, create_payment, completed_payment):
    create_payment(amount=13.00)
    staff.post(CHANGELIST, {"action": "refund", "_selected_action": [completed_payment.pk],
                            "apply": "1", "amount": "50.00"})
    html = staff.get("/admin/").content.decode()
    assert '<svg id="payments-chart"' in html and "<rect" in html
    assert "Refund rate" in html and "50.0%" in html
    assert 'id="failed-deliveries">0<' in html
    assert "https://" not in html.split('id="payments-dashboard"')[1].split("</svg>")[0]


def test_api_key_admin_shows_the_secret_once_then_its_prefix(staff, demo):
    response = staff.post("/admin/accounts/apikey/add/", {
        "account": demo.pk, "name": "Ops key", "scopes": ["payments:read"],
    }, follow=True)
    [message] = [str(m) for m in response.context["messages"] if "Secret" in str(m)]
    secret = message.split(": ")[1].split(" ")[0]
    key = ApiKey.objects.get(name="Ops key")
    assert key.secret_hash == hash_secret(secret)
    listing = staff.get("/admin/accounts/apikey/").content.decode()
    assert secret not in listing and f"{key.secret_prefix}…" in listing
    staff.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert not key.is_active


@pytest.mark.parametrize("url", [
    "/admin/", CHANGELIST, "/admin/refunds/refund/", "/admin/webhooks_app/webhookendpoint/",
    "/admin/webhooks_app/event/", "/admin/webhooks_app/delivery/", "/admin/accounts/apikey/",
    "/admin/oauth_app/oauthclient/", "/admin/oauth_app/oauthtoken/",
    "/admin/api/idempotencykey/", "/admin/accounts/apikey/add/",
])
def test_every_page_needs_staff_and_loads(client, staff, url):
    assert staff.get(url).status_code == 200
    staff.logout()
    assert staff.get(url).status_code == 302


def test_failed_logins_are_locked_out_per_username_and_ip(client, django_user_model, settings):
    django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ops", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "ops", "password": "pw-ops-123"})
    assert locked.status_code == 429
    other_ip = client.post("/admin/login/", {"username": "ops", "password": "pw-ops-123"},
                           REMOTE_ADDR="10.1.1.1")
    assert other_ip.status_code == 302  # the same user from elsewhere still gets in


@pytest.mark.django_db(transaction=True)
def test_pages_at_10000_payments(staff, django_assert_max_num_queries, capsys):
    call_command("seed_volume", payments=10_000, stdout=open("/dev/null", "w"))
    assert Payment.objects.count() == 10_000
    with django_assert_max_num_queries(20) as captured:
        assert staff.get(CHANGELIST).status_code == 200
    listing = len(captured)
    with django_assert_max_num_queries(20) as captured:
        assert staff.get(f"{CHANGELIST}?status__exact=refunded&q=Order").status_code == 200
    with django_assert_max_num_queries(20) as captured:
        assert staff.get("/admin/").status_code == 200
    dashboard = len(captured)
    payment = Payment.objects.filter(status="partially_refunded").first()
    with django_assert_max_num_queries(20):
        assert staff.get(f"{CHANGELIST}{payment.pk}/change/").status_code == 200
    with capsys.disabled():
        print(f"\n[admin at 10,000 payments] list: {listing} queries, index+dashboard: "
              f"{dashboard} queries")
