"""A delivery attempt runs once: the same task run again (a retried or resumed task) sends
nothing and writes nothing."""

from tests.support.factories import make_endpoint, make_payment
from webhooks_app.models import Delivery
from webhooks_app.services import delivery_attempt


def test_an_attempt_run_again_sends_nothing_and_writes_no_row(demo, receiver):
    make_endpoint(demo, receiver.url, ["payment.created"])
    make_payment(demo, 5000, "USD")
    first = Delivery.objects.get()
    assert delivery_attempt(delivery_id=first.pk).status == "succeeded"
    rows = list(Delivery.objects.values())
    again = delivery_attempt(delivery_id=first.pk)
    assert again.status == "succeeded"
    assert len(receiver.requests) == 1  # the receiver got one POST, not two
    assert list(Delivery.objects.values()) == rows  # and no row was added or changed
