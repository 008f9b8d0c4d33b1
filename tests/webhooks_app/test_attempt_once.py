"""A delivery attempt runs once: the same task run again (a retried or resumed task) sends
nothing and writes nothing."""

from payments.services import payment_create
from webhooks_app.models import Delivery
from webhooks_app.services import delivery_attempt, endpoint_create


def test_an_attempt_run_again_sends_nothing_and_writes_no_row(demo, receiver):
    endpoint_create(account=demo, url=receiver.url, events=["payment.created"])
    payment_create(account=demo, amount_minor=5000, currency="USD")
    first = Delivery.objects.get()
    assert delivery_attempt(delivery_id=first.pk).status == "succeeded"
    rows = list(Delivery.objects.values())
    again = delivery_attempt(delivery_id=first.pk)
    assert again.status == "succeeded"
    assert len(receiver.requests) == 1  # the receiver got one POST, not two
    assert list(Delivery.objects.values()) == rows  # and no row was added or changed
