"""Checkout sessions in the admin: read-only, with their line items, payment, customer details
and hosted page; expiring open ones needs a permission of its own."""

import pytest
from django.contrib.admin.models import LogEntry

from payments.models import Checkout
from tests.support.checkout import HostedPage
from tests.support.factories import make_checkout, make_customer
from tests.support.staff import VIEW_ONLY, staff_user
from webhooks_app.models import Event

CHANGELIST = "/admin/payments/checkout/"


@pytest.fixture
def operator(client, django_user_model, demo):
    """A staff user holding the view permissions plus the ones named, logged in."""

    def log_in(*perms):
        client.force_login(staff_user(django_user_model, "operator", *VIEW_ONLY, *perms))
        return client

    return log_in


def expire(client, checkouts):
    return client.post(CHANGELIST, {"action": "expire",
                                    "_selected_action": [c.pk for c in checkouts]}, follow=True)


def test_a_paid_session_shows_its_items_payment_customer_details_and_page(operator, demo):
    checkout = make_checkout(demo, customer_email="jenny@example.com")
    HostedPage(f"http://testserver/checkout/pay/{checkout.public_id}").pay()
    checkout.refresh_from_db()
    client = operator()
    listed = client.get(CHANGELIST).content.decode()
    assert checkout.public_id in listed and "40.00 USD" in listed and "complete" in listed
    html = client.get(f"{CHANGELIST}{checkout.pk}/change/").content.decode()
    assert "<td>T-shirt</td><td>2</td><td>20.00 USD</td><td>40.00 USD</td>" in html
    assert f'href="/checkout/pay/{checkout.public_id}"' in html  # the hosted page
    assert f"/admin/payments/payment/{checkout.payment.pk}/change/" in html
    assert "Jenny Rosen" in html and "jenny@example.com" in html
    assert 'name="client_reference_id"' not in html and "Save" not in html


def test_search_finds_a_session_by_its_customer_and_reference(operator, demo):
    customer = make_customer(demo, email="sam@example.com")
    make_checkout(demo, customer_id=customer.public_id)
    make_checkout(demo, client_reference_id="order-77")
    client = operator()
    for query in ("sam@example.com", "order-77", customer.public_id):
        assert client.get(f"{CHANGELIST}?q={query}").context["cl"].result_count == 1, query


def test_expiring_needs_its_own_permission(operator, demo):
    checkout = make_checkout(demo)
    client = operator()
    assert client.get(CHANGELIST).context["action_form"] is None  # no action offered
    assert expire(client, [checkout]).status_code == 403
    assert Checkout.objects.get().status == "open"


def test_an_operator_expires_open_sessions_through_the_service(operator, demo):
    open_one, paid = make_checkout(demo), make_checkout(demo)
    HostedPage(f"http://testserver/checkout/pay/{paid.public_id}").pay()
    response = expire(operator("payments.expire_checkout"), [open_one, paid])
    shown = [str(message) for message in response.context["messages"]]
    assert f"Checkout session {open_one.public_id} expired." in shown
    assert f"Checkout '{paid.public_id}' cannot be expired. Current status: 'complete'." in shown
    assert dict(Checkout.objects.values_list("public_id", "status")) == {
        open_one.public_id: "expired", paid.public_id: "complete"}
    assert Event.objects.filter(type="checkout.session.expired",
                                object_id=open_one.public_id).exists()
    assert LogEntry.objects.get().change_message == "Expired."
