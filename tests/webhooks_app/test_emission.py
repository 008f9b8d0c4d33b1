"""Services emit events in the same transaction as the state change."""

from decimal import Decimal

import pytest
from django.db import transaction

from payments import services
from tests.support.factories import make_endpoint, make_payment, make_refund
from webhooks_app.models import Event


def types():
    return list(Event.objects.order_by("id").values_list("type", flat=True))


def create(account, **overrides):
    return make_payment(account, **{"amount_minor": 5000, **overrides})


def test_card_payment(demo):
    create(demo)
    assert types() == ["payment.created", "payment.completed"]


def test_decline(demo):
    create(demo, amount_minor=1300)
    assert types() == ["payment.created", "payment.failed"]


def test_settlement_and_cancel(demo):
    pending = create(demo, payment_method="bank_transfer")
    services.payment_settle(payment_id=pending.public_id)
    other = create(demo, payment_method="crypto")
    services.payment_cancel(account=demo, payment_id=other.public_id)
    assert types() == ["payment.created", "payment.completed", "payment.created",
                       "payment.cancelled"]


def test_refund(demo):
    payment = create(demo)
    make_refund(payment, amount=Decimal("10"))
    assert types()[2:] == ["refund.created", "refund.completed", "payment.refunded"]


def test_nothing_is_emitted_for_a_rolled_back_change(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            create(demo)
            raise RuntimeError("the caller's transaction fails after the service")
    assert not Event.objects.exists()
    assert callbacks == []


def enqueued(callbacks):
    """The task enqueues among the on-commit callbacks (metrics count there too)."""
    return [c for c in callbacks if getattr(getattr(c, "func", None), "__name__", "") == "enqueue"]


def subscribe(account, events=("payment.created", "payment.completed")):
    return make_endpoint(account, events=events)


def test_delivery_is_enqueued_only_after_commit(demo, django_capture_on_commit_callbacks):
    subscribe(demo)
    with django_capture_on_commit_callbacks() as callbacks:
        create(demo)
    assert len(enqueued(callbacks)) == 2  # one attempt per event for the subscribed endpoint


def test_no_endpoint_no_delivery_work(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        create(demo)
    assert enqueued(callbacks) == []


def test_events_are_immutable(demo):
    create(demo)
    event = Event.objects.first()
    event.type = "payment.failed"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.django_db(transaction=True)
def test_database_queued_tasks_commit_or_vanish_with_the_change(demo, database_tasks):
    from django_tasks_db.models import DBTaskResult

    subscribe(demo, events=["payment.completed"])
    with pytest.raises(RuntimeError), transaction.atomic():
        create(demo)
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    create(demo)
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "webhooks_app.tasks.attempt_delivery"]
