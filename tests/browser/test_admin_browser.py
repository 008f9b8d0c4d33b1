"""Operators in a real browser: one logs in, filters, refunds and reads the dashboard with
every admin script working under the Content-Security-Policy; a view-only one finds no way
to move money, revoke, rotate or export."""

import pytest

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account, ApiKey
from oauth_app.models import OAuthClient, OAuthToken
from oauth_app.services import oauth_token_issue
from payments import services
from payments.models import Payment
from refunds.models import Refund
from refunds.seeding import payments_bulk_seed
from tests.support.browser import expect, shot, watch
from tests.support.factories import make_endpoint, make_payment
from tests.support.staff import VIEW_ONLY, staff_user
from webhooks_app.models import Delivery, Event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(django_user_model, demo):
    django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    payments_bulk_seed(account=demo, count=300, days=30)
    return services.payment_create(
        account=Account.objects.get(public_id=DEMO_ACCOUNT_ID), amount_minor=12345, currency="USD",
        description="Browser refund target", customer_email="browser@example.com",
    )


def log_in(page, username="ops", password="pw-ops-123"):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_operator_filters_refunds_and_reads_the_dashboard(page, operator):
    problems = watch(page)
    log_in(page)
    chart = page.locator("svg#payments-chart")
    assert chart.is_visible()
    assert chart.locator("rect").count() > 10
    assert page.locator("#payments-dashboard").get_by_text("Refund rate").is_visible()
    shot(page, "01-dashboard")

    page.goto("/admin/payments/payment/")
    page.locator("#changelist-filter a[href*='status__exact=completed']").click()
    page.wait_for_url("**status__exact=completed**")
    badges = page.locator("#result_list .status-badge").all_inner_texts()
    assert badges and set(badges) == {"completed"}
    shot(page, "02-filtered-list")

    page.fill("#searchbar", "Browser refund target")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "refund")
    page.click("button[name=index]")
    page.fill("#id_amount", "25.00")
    page.select_option("#id_reason", "requested_by_customer")
    shot(page, "03-refund-form")
    page.click("input[name=apply]")
    expect(page.locator(".messagelist .success")).to_contain_text("Refunded 25.00 USD")

    page.goto(f"/admin/payments/payment/{operator.pk}/change/")
    expect(page.locator("#refunds-group")).to_contain_text("25.00 USD")
    expect(page.locator(".status-badge")).to_have_text("partially refunded")
    shot(page, "04-payment-with-refund")
    operator.refresh_from_db()
    assert operator.refunded_minor == 2500
    assert problems == []


def test_admin_scripts_work_under_the_content_security_policy(page, operator, demo):
    problems = watch(page)
    log_in(page)
    response = page.goto("/admin/payments/payment/")
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # actions.js: select all, the counter, "select all N" across pages
    page.click("#action-toggle")
    boxes = page.locator("#result_list input.action-select")
    assert boxes.count() == 50 and all(box.is_checked() for box in boxes.all())
    expect(page.locator(".action-counter")).to_contain_text("50 of 50 selected")
    page.locator(".question a").click()
    expect(page.locator(".all")).to_be_visible()

    # filters.js: a collapsed filter stays collapsed on the next page
    status_filter = page.locator("#changelist-filter details[data-filter-title='status']")
    status_filter.locator("summary").click()
    expect(status_filter).not_to_have_attribute("open", "")
    page.reload()
    expect(status_filter).not_to_have_attribute("open", "")

    # the date hierarchy drills down
    page.locator("nav.toplinks a:not(.date-back)").first.click()
    page.wait_for_url("**created_at__*")
    assert page.locator("#result_list tbody tr").count() > 0

    # the inline on a payment, and the theme switcher
    page.goto(f"/admin/payments/payment/{operator.pk}/change/")
    expect(page.locator("#refunds-group")).to_be_visible()
    theme = page.evaluate("document.documentElement.dataset.theme")
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") != theme

    # DateTimeShortcuts.js on the API key form, then the secret shown once
    page.goto("/admin/accounts/apikey/add/")
    page.select_option("#id_account", str(demo.pk))
    page.fill("#id_name", "Browser key")
    page.check("input[name=scopes][value='payments:read']")
    page.locator(".datetimeshortcuts a", has_text="Today").click()
    expect(page.locator("#id_expires_at_0")).not_to_have_value("")
    page.locator(".datetimeshortcuts a", has_text="Now").click()
    page.click("input[name=_save]")
    secret = page.locator("#secrets-once code.secret").inner_text()
    assert secret.startswith("sk_test_")
    shot(page, "08-secret-shown-once")
    assert all(secret not in cookie["value"] for cookie in page.context.cookies())
    assert ApiKey.objects.get(name="Browser key").expires_at is not None

    page.goto("/admin/")
    expect(page.locator("svg#payments-chart rect").first).to_be_visible()
    assert problems == []


@pytest.fixture
def viewer(django_user_model, demo):
    """A staff user who may view everything and do nothing, and something to act on."""
    staff_user(django_user_model, "viewer", *VIEW_ONLY, password="pw-view-123")
    payments_bulk_seed(account=demo, count=60, days=30)
    make_endpoint(demo, "https://example.com/hook", ["payment.completed"])
    payment = make_payment(demo, 5000, "USD")
    oauth_token_issue(client=OAuthClient.objects.get(client_id="my_app"),
                      scopes=["payments:read"], access_token="tok_browser", expires_in=3600,
                      refresh_token=None)
    return payment


# Every list with an action that changes something: its model and the actions a viewer
# must not be offered (nor run by posting them).
GUARDED = {
    "/admin/payments/payment/": (Payment, ("refund", "cancel", "export_selected")),
    "/admin/accounts/apikey/": (ApiKey, ("revoke",)),
    "/admin/oauth_app/oauthclient/": (OAuthClient, ("rotate_secret",)),
    "/admin/oauth_app/oauthtoken/": (OAuthToken, ("revoke",)),
    "/admin/webhooks_app/delivery/": (Delivery, ("resend",)),
    "/admin/webhooks_app/event/": (Event, ("resend_to_subscribers",)),
}


def snapshot() -> dict:
    """What any of those actions would change."""
    return {
        "payments": list(Payment.objects.values_list("pk", "status", "refunded_minor")),
        "refunds": Refund.objects.count(),
        "keys": list(ApiKey.objects.values_list("pk", "is_active")),
        "clients": list(OAuthClient.objects.values_list("pk", "secret_hash")),
        "tokens": list(OAuthToken.objects.values_list("pk", "revoked_at")),
        "deliveries": Delivery.objects.count(),
    }


def test_a_view_only_operator_finds_no_way_to_act(page, viewer, demo):
    problems = watch(page)
    log_in(page, "viewer", "pw-view-123")
    expect(page.locator("svg#payments-chart")).to_be_visible()
    before = snapshot()
    for url, (_, actions) in GUARDED.items():
        page.goto(url)
        assert page.locator("#result_list tbody tr").count() > 0, url
        for name in actions:
            assert page.locator(f"select[name=action] option[value='{name}']").count() == 0
        assert page.locator("input.action-select").count() == 0, url
        assert page.locator(".object-tools a").count() == 0, url  # no "add", no "export"
        if url == "/admin/payments/payment/":
            shot(page, "09-view-only-payments")
    page.goto(f"/admin/payments/payment/{viewer.pk}/change/")
    assert page.locator(".submit-row input[type=submit], .submit-row .deletelink").count() == 0

    # Crafted requests, with a valid session and CSRF token, are refused.
    csrf = {"X-CSRFToken": next(cookie["value"] for cookie in page.context.cookies()
                                if cookie["name"] == "csrftoken")}
    assert page.request.get("/admin/payments/payment/export/").status == 403
    for url, (model, actions) in GUARDED.items():
        # A row each action could act on: the completed payment, any other row.
        pk = viewer.pk if model is Payment else model.objects.values_list("pk", flat=True)[0]
        for name in actions:
            response = page.request.post(url, headers=csrf, form={
                "action": name, "_selected_action": str(pk), "apply": "1"})
            assert response.status == 403, (url, name)
    assert page.request.post("/admin/accounts/apikey/add/", headers=csrf, form={
        "account": str(demo.pk), "name": "Sneaky", "scopes": "api:admin"}).status == 403
    assert snapshot() == before
    assert problems == []
