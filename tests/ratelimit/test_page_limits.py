"""The customers' pages need no credentials and each POST may make a card and a charge: a
client IP gets `PAGE_POSTS_PER_MINUTE` POSTs a minute, then a plain 429 page."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.support.factories import make_stripe_payment

pytestmark = pytest.mark.django_db


def test_posts_past_the_minutes_allowance_get_a_429_page_and_change_nothing(demo, settings):
    settings.RATELIMIT_ENABLE = True
    settings.PAGE_POSTS_PER_MINUTE = 2
    cache.clear()
    payment = make_stripe_payment(  # waiting for its cardholder to authenticate
        demo, payment_method_id="pm_card_threeDSecure2Required", confirm=True,
        authenticate_at="http://testserver", return_url="https://shop.example/back")
    page = f"/authenticate/{payment.pending_authentication.public_id}/"
    browser = Client()
    assert browser.post(page, {"outcome": ""}).status_code == 400  # counted: a POST
    assert browser.post(page, {"outcome": ""}).status_code == 400
    refused = browser.post(page, {"outcome": "complete"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many attempts" in refused.content.decode()
    payment.refresh_from_db()
    assert payment.status == "requires_action"  # the refused POST decided nothing
    assert browser.get(page).status_code == 200  # reading the page is never limited
