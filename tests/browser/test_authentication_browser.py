"""A customer in a real browser, keyboard only, on the 3-D Secure page: Complete and Fail
reach the return URL on the merchant's own origin (the page's Content-Security-Policy lets
its forms' redirect go there), the page without a return URL says the window can be closed,
and axe-core finds no serious or critical accessibility violation on any of them."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from core.formats import Format
from payments import services
from payments.models import Payment
from payments.pages.links import authentication_url
from tests.support.browser import expect, shot

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def challenge(demo, site: str, return_url: str = "", **overrides) -> Payment:
    """A 49.99 EUR PaymentIntent waiting for the cardholder to authenticate."""
    return services.payment_open(
        account=demo, amount_minor=4999, currency="EUR", origin=Format.STRIPE,
        payment_method_id="pm_card_threeDSecure2Required", confirm=True,
        authenticate_at=site, return_url=return_url, **overrides)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): npm ci")
    # Evaluated by the test's driver, not as a <script> of the page: the page's CSP allows
    # none but its own (the admin's browser test checks the same policy holds).
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            f"{[node['target'] for node in v['nodes']]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def tab_to(page, label: str) -> None:
    """Press Tab until the focused element is the button labelled `label`."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def merchant_origin(live_url: str) -> str:
    """The same server under another name: another origin, as a merchant's site is."""
    return live_url.replace("localhost", "127.0.0.1")


def test_complete_and_fail_with_the_keyboard_alone(page, demo, live_server):
    back = merchant_origin(live_server.url) + "/?order=42"
    payment = challenge(demo, live_server.url, back)
    page.goto(authentication_url(payment.pending_authentication))
    expect(page.get_by_role("heading", level=1)).to_have_text("Authenticate your payment")
    assert page.evaluate("document.documentElement.lang") == "en"
    for shown in ("Demo Account", "49.99 EUR", "Visa ending in 3220"):
        expect(page.locator("main")).to_contain_text(shown)
    assert serious_violations(page) == []
    shot(page, "3ds-01-challenge")

    tab_to(page, "Complete authentication")
    shot(page, "3ds-02-complete-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(back.replace("?order=42", "") + "**")
    query = parse_qs(urlsplit(page.url).query)
    assert (query["order"], query["payment_intent"], query["redirect_status"]) == (
        ["42"], [payment.public_id], ["succeeded"])
    assert Payment.objects.get(pk=payment.pk).status == "completed"

    failing = challenge(demo, live_server.url, back)
    failing_page = authentication_url(failing.pending_authentication)
    page.goto(failing_page)
    tab_to(page, "Fail authentication")
    page.keyboard.press("Space")
    page.wait_for_url("**redirect_status=failed**")
    assert Payment.objects.get(pk=failing.pk).failure_reason == "authentication_failed"

    page.goto(failing_page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Authentication failed")
    expect(page.get_by_role("link", name="Return to Demo Account")).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "3ds-03-already-failed")


def test_without_a_return_url_the_window_may_close(page, demo, live_server):
    payment = challenge(demo, live_server.url, capture_method="manual")
    page.goto(authentication_url(payment.pending_authentication))
    tab_to(page, "Complete authentication")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Authentication completed")
    expect(page.locator("main")).to_contain_text("You can close this window")
    assert serious_violations(page) == []
    shot(page, "3ds-04-done")
    assert Payment.objects.get(pk=payment.pk).status == "authorized"
