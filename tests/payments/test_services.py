from datetime import timedelta

import pytest
from django.tasks import default_task_backend
from django.utils import timezone

from core.errors import InvalidState, NotFound
from payments import services
from payments.models import Payment, PaymentStatus
from payments.state import TRANSITIONS
from payments.tasks import settle_payment
from tests.support.factories import make_account


def create(account, **overrides):
    fields = dict(account=account, amount_minor=4999, currency="USD", description="d",
                  customer_email="a@example.com")
    return services.payment_create(**{**fields, **overrides})


@pytest.mark.parametrize("method", ["card", "wallet"])
def test_cards_and_wallets_settle_at_once(demo, method):
    assert create(demo, payment_method=method).status == PaymentStatus.COMPLETED


@pytest.mark.parametrize("method", ["bank_transfer", "crypto"])
def test_bank_transfers_and_crypto_stay_pending_and_enqueue_settlement(
    demo, method, django_capture_on_commit_callbacks, settings
):
    settings.SETTLEMENT_DELAY_SECONDS = 30
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payment = create(demo, payment_method=method)
    assert payment.status == PaymentStatus.PENDING
    [result] = [r for r in default_task_backend.results if r.task.func is settle_payment.func]
    assert result.kwargs == {"payment_id": payment.public_id}
    assert result.task.run_after >= timezone.now() + timedelta(seconds=25)


def test_settlement_completes_a_pending_payment_once(demo):
    payment = create(demo, payment_method="bank_transfer")
    assert settle_payment.call(payment_id=payment.public_id) == PaymentStatus.COMPLETED
    # A second run (a retried task) leaves it alone.
    assert settle_payment.call(payment_id=payment.public_id) == PaymentStatus.COMPLETED


def test_settlement_leaves_a_cancelled_payment_cancelled(demo):
    payment = create(demo, payment_method="crypto")
    services.payment_cancel(account=demo, payment_id=payment.public_id, reason="changed mind")
    assert settle_payment.call(payment_id=payment.public_id) == PaymentStatus.CANCELLED


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [(1300, "USD", "card_declined"), (11300, "USD", "card_declined"),
     (6660, "EUR", "insufficient_funds"), (16660, "GBP", "insufficient_funds"),
     (910000, "USD", "amount_exceeds_limit"), (113, "JPY", "card_declined"),
     (9100, "JPY", "amount_exceeds_limit")],
)
def test_amount_triggers_decline_and_the_failed_payment_is_stored(demo, amount, currency, reason):
    payment = create(demo, amount_minor=amount, currency=currency)
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_reason == reason
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED


@pytest.mark.parametrize("amount", [1350, 900000, 6600, 1313])
def test_amounts_that_do_not_trigger(demo, amount):
    assert create(demo, amount_minor=amount).status == PaymentStatus.COMPLETED


@pytest.mark.parametrize(
    ("method_id", "reason"),
    [("pm_test_decline", "card_declined"),
     ("pm_test_insufficient_funds", "insufficient_funds"),
     ("pm_test_expired", "expired_card")],
)
def test_test_payment_methods_decline(demo, method_id, reason):
    payment = create(demo, payment_method_id=method_id)
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, reason)


def test_unknown_payment_method_is_not_found_and_nothing_is_stored(demo):
    with pytest.raises(NotFound):
        create(demo, payment_method_id="pm_unknown")
    assert not Payment.objects.exists()


def test_cancel_records_time_and_reason(demo):
    payment = create(demo, payment_method="bank_transfer")
    cancelled = services.payment_cancel(account=demo, payment_id=payment.public_id, reason="r")
    assert cancelled.status == PaymentStatus.CANCELLED
    assert cancelled.cancellation_reason == "r"
    assert cancelled.cancelled_at is not None


@pytest.mark.parametrize("method", ["card", "bank_transfer"])
def test_cancel_from_a_final_status_is_a_conflict_naming_the_status(demo, method):
    payment = create(demo, payment_method=method)
    if method == "bank_transfer":
        services.payment_cancel(account=demo, payment_id=payment.public_id)
    with pytest.raises(InvalidState) as excinfo:
        services.payment_cancel(account=demo, payment_id=payment.public_id)
    current = Payment.objects.get(pk=payment.pk).status
    assert str(excinfo.value) == (
        f"Payment '{payment.public_id}' cannot be cancelled. Current status: '{current}'."
    )


def test_cancel_of_another_accounts_payment_is_not_found(demo):
    other = make_account()
    payment = create(other, payment_method="bank_transfer")
    with pytest.raises(NotFound):
        services.payment_cancel(account=demo, payment_id=payment.public_id)


def test_transition_table_has_no_way_out_of_final_states():
    for final in (PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.REFUNDED):
        assert TRANSITIONS[final] == frozenset()
    assert set(TRANSITIONS) == set(PaymentStatus.values)
