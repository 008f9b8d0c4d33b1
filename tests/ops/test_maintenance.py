"""Work left behind by a dead worker is enqueued again by the maintenance task."""

from datetime import timedelta

from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.periodic import run_periodic_jobs
from payments.models import Payment
from tests.support.credentials import client_for
from tests.support.factories import make_endpoint, make_payment
from webhooks_app.models import Delivery
from webhooks_app.services import delivery_attempt
from webhooks_app.tasks import attempt_delivery


def test_overdue_settlements_and_deliveries_are_enqueued_again(demo, settings):
    settings.SETTLEMENT_DELAY_SECONDS = 30
    make_endpoint(demo, "https://example.com/hook", ["payment.created"])
    payment = make_payment(demo, 5000, "EUR", payment_method="bank_transfer")
    fresh = make_payment(demo, 5000, "EUR", payment_method="crypto")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    Delivery.objects.update(scheduled_for=timezone.now() - timedelta(hours=1))
    default_task_backend.clear()
    call_command("maintenance", stdout=open("/dev/null", "w"))
    queued = [(r.task.name, r.kwargs) for r in default_task_backend.results]
    assert ("settle_payment", {"payment_id": payment.public_id}) in queued
    assert ("settle_payment", {"payment_id": fresh.public_id}) not in queued
    assert sum(1 for name, _ in queued if name == "attempt_delivery") == 2


def test_a_resumed_attempt_that_already_ran_does_nothing(demo):
    make_endpoint(demo, "http://127.0.0.1:1/closed", ["payment.created"])
    make_payment(demo, 5000, "USD")
    first = Delivery.objects.get()
    delivery_attempt(delivery_id=first.pk)
    again = delivery_attempt(delivery_id=first.pk)
    assert again.status == "failed" and Delivery.objects.filter(attempt=1).count() == 1


def test_finished_task_rows_are_purged_after_their_retention(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RESULT_RETENTION_DAYS = 7
    rows = [attempt_delivery.enqueue(delivery_id=n) for n in range(3)]
    old = timezone.now() - timedelta(days=8)
    DBTaskResult.objects.filter(id=rows[0].id).update(status="SUCCESSFUL", finished_at=old)
    DBTaskResult.objects.filter(id=rows[1].id).update(status="FAILED", finished_at=old)
    assert run_periodic_jobs()["task_results_purged"] == 2
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [
        str(rows[2].id)]


def test_metric_labels_do_not_come_from_the_client(db):
    client = client_for(None)
    client.generic("BREW", "/v1/health")
    body = client.get("/metrics").content.decode()
    assert 'method="BREW"' not in body and 'method="OTHER"' in body
