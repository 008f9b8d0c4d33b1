"""Swagger UI and ReDoc work offline: Authorize with a demo key, Try it out, 201."""

import pytest

from payments.models import Customer, Payment
from tests.support.browser import expect, record_hosts, shot
from tests.support.credentials import STANDARD_KEY

pytestmark = pytest.mark.django_db(transaction=True)



def test_swagger_ui_authorize_and_try_it_out_creates_a_payment(page, demo, live_server):
    foreign = record_hosts(page, live_server.url)
    page.goto("/api/docs/")
    page.locator("button.authorize").first.click()
    bearer = page.locator(".auth-container").filter(has_text="BearerAuth").filter(
        has_not_text="StripeBearerAuth")
    bearer.locator("input").fill(STANDARD_KEY)
    bearer.locator("button.authorize").click()
    page.locator(".modal-ux-header button.close-modal").click()

    operation = page.locator("#operations-payments-create_payment")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    shot(page, "05-swagger-try-it-out", operation)
    operation.locator("button.execute").click()
    live_status = operation.locator(".live-responses-table .response .response-col_status")
    expect(live_status.first).to_have_text("201", timeout=15000)
    shot(page, "06-swagger-201", operation.locator(".live-responses-table"))
    assert Payment.objects.filter(description="Order #12345 - Premium Widget").count() == 1
    assert foreign == []


def test_swagger_ui_tries_a_stripe_operation_with_a_form_body(page, demo, live_server):
    page.goto("/api/docs/")
    page.locator("button.authorize").first.click()
    bearer = page.locator(".auth-container").filter(has_text="StripeBearerAuth")
    bearer.locator("input").fill(STANDARD_KEY)
    bearer.locator("button.authorize").click()
    page.locator(".modal-ux-header button.close-modal").click()

    operation = page.locator("#operations-stripe-stripe_create_customer")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    # Swagger UI sends a sample (a random string matching the pattern) for every field left as
    # it is: a reader fills each in.
    fields = {"email": "jenny@example.com", "name": "Jenny Rosen", "description": "From the docs",
              "phone": "+1 555 0100", "metadata": '{"order_id":"42"}',
              "payment_method": "pm_card_visa", "invoice_settings[default_payment_method]": "x"}
    for name, value in fields.items():
        operation.locator(f"input[placeholder='{name}']").fill(value)
    operation.locator("input[placeholder='invoice_settings[default_payment_method]']").fill("")
    operation.locator("button.execute").click()
    live_status = operation.locator(".live-responses-table .response .response-col_status")
    expect(live_status.first).to_have_text("200", timeout=15000)
    shot(page, "06b-swagger-stripe-form", operation.locator(".live-responses-table"))
    customer = Customer.objects.get()
    assert (customer.email, customer.name) == ("jenny@example.com", "Jenny Rosen")
    assert customer.cards.get().customer == customer


def test_redoc_renders_offline(page, demo, live_server):
    foreign = record_hosts(page, live_server.url)
    page.goto("/api/redoc/")
    expect(page.locator("h2", has_text="Create a payment").first).to_be_visible(timeout=15000)
    shot(page, "07-redoc")
    assert foreign == []


def test_landing_page_links(page, db, live_server):
    page.goto("/")
    for href in ("/api/docs/", "/api/redoc/", "/admin/", "/v1/health"):
        assert page.locator(f'a[href="{href}"]').count() == 1
