"""An operator in a real browser: logs in, filters, refunds, reads the dashboard."""

import pytest

from accounts.demo import DEMO_ACCOUNT_ID
from accounts.models import Account
from payments import services
from refunds.seeding import payments_bulk_seed
from tests.browser.conftest import expect, shot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(django_user_model, demo):
    django_user_model.objects.create_superuser("ops", "ops@example.com", "pw-ops-123")
    payments_bulk_seed(account=demo, count=300, days=30)
    return services.payment_create(
        account=Account.objects.get(public_id=DEMO_ACCOUNT_ID), amount_minor=12345, currency="USD",
        description="Browser refund target", customer_email="browser@example.com",
    )


def log_in(page):
    page.goto("/admin/login/")
    page.fill("#id_username", "ops")
    page.fill("#id_password", "pw-ops-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_operator_filters_refunds_and_reads_the_dashboard(page, operator):
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
