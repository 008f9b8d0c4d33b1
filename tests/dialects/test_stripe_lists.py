"""Stripe's cursor lists walk `(created, id)`: objects made in the same instant as the cursor
are neither skipped nor repeated, in either direction."""

from django.utils import timezone

from payments.models import Customer
from tests.support.credentials import ADMIN_KEY, client_for
from tests.support.factories import make_customer


def page(client, **query):
    response = client.get("/stripe/v1/customers", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_objects_made_in_one_instant_are_each_seen_once_forward_and_back(demo):
    made = [make_customer(demo, email=f"c{n}@example.com").public_id for n in range(5)]
    Customer.objects.update(created_at=timezone.now())  # one instant for all five
    client = client_for(ADMIN_KEY)
    seen, cursor = [], {}
    while True:
        listed = page(client, limit=2, **cursor)
        seen += [c["id"] for c in listed["data"]]
        if not listed["has_more"]:
            break
        cursor = {"starting_after": seen[-1]}
    assert sorted(seen) == sorted(made) and len(seen) == 5
    back, cursor = [], {"ending_before": seen[-1]}
    while True:
        listed = page(client, limit=2, **cursor)
        back = [c["id"] for c in listed["data"]] + back
        if not listed["has_more"]:
            break
        cursor = {"ending_before": back[0]}
    assert back == seen[:-1]  # the same order, every one but the cursor
