"""No sequence of operations reaches an illegal state or refunds more than was paid."""

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.services import account_create
from core.errors import ServiceError
from payments import services
from payments.models import Payment, PaymentStatus
from payments.state import TRANSITIONS
from refunds.models import Refund
from refunds.services import refund_create

CAPTURED = (PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


class PaymentLifecycle(RuleBasedStateMachine):
    """Random creates (/v1's and PaymentIntents), confirmations, captures, settlements,
    cancels, releases and refunds, through the services only."""

    @initialize()
    def open_account(self):
        self.account = account_create(name="Property test")
        self.ids: list[str] = []
        self.seen: dict[str, str] = {}

    @rule(method=st.sampled_from(["card", "wallet", "bank_transfer", "crypto"]),
          minor=st.integers(50, 20_000), decline=st.booleans())
    def create(self, method, minor, decline):
        payment = services.payment_create(
            account=self.account, amount_minor=minor, currency="USD", payment_method=method,
            payment_method_id="pm_test_decline" if decline else "",
        )
        self.ids.append(payment.public_id)
        self.seen[payment.public_id] = payment.status

    @rule(method=st.sampled_from(["", "pm_card_visa", "pm_card_chargeDeclined"]),
          minor=st.integers(50, 20_000), confirm=st.booleans(),
          capture=st.sampled_from(["automatic", "manual"]))
    def create_intent(self, method, minor, confirm, capture):
        try:
            payment = services.payment_open(origin="stripe", 
                account=self.account, amount_minor=minor, currency="USD",
                payment_method_id=method, confirm=confirm, capture_method=capture)
        except ServiceError as error:  # confirming without a payment method
            assert (error.status, method, confirm) == (409, "", True)
            return
        self.ids.append(payment.public_id)
        self.seen[payment.public_id] = payment.status

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6),
          method=st.sampled_from(["", "pm_card_amex", "pm_card_chargeDeclinedExpiredCard"]))
    def confirm(self, index, method):
        try:
            services.payment_confirm(account=self.account,
                                     payment_id=self.ids[index % len(self.ids)],
                                     payment_method_id=method)
        except ServiceError as error:
            assert error.status == 409

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6), minor=st.none() | st.integers(-5, 25_000))
    def capture(self, index, minor):
        try:
            services.payment_capture(account=self.account,
                                     payment_id=self.ids[index % len(self.ids)],
                                     amount_minor=minor)
        except ServiceError as error:
            assert error.status in (409, 422)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6))
    def release(self, index):
        payment_id = self.ids[index % len(self.ids)]
        Payment.objects.filter(public_id=payment_id, status=PaymentStatus.AUTHORIZED).update(
            capture_before=timezone.now())
        services.payment_release(payment_id=payment_id)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6))
    def settle(self, index):
        services.payment_settle(payment_id=self.ids[index % len(self.ids)])

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6))
    def cancel(self, index):
        try:
            services.payment_cancel(account=self.account,
                                    payment_id=self.ids[index % len(self.ids)])
        except ServiceError as error:
            assert error.status == 409

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 10**6),
          amount=st.none() | st.decimals(min_value=Decimal("-5"), max_value=Decimal("250"),
                                         places=3))
    def refund(self, index, amount):
        try:
            refund_create(account=self.account, payment_id=self.ids[index % len(self.ids)],
                          amount=amount)
        except ServiceError as error:
            assert error.status in (400, 409, 422)

    @invariant()
    def money_adds_up_and_moves_are_legal(self):
        if not hasattr(self, "account"):
            return
        for payment in Payment.objects.filter(account=self.account):
            refunded = sum(Refund.objects.filter(payment=payment).values_list("amount_minor",
                                                                                flat=True))
            received = payment.amount_received_minor
            assert payment.refunded_minor == refunded <= received <= payment.amount_minor
            if payment.status in CAPTURED:
                assert received > 0
                assert received == payment.amount_minor or payment.capture_method == "manual"
            else:
                assert received == 0
            if payment.status == PaymentStatus.REFUNDED:
                assert refunded == received
            elif payment.status == PaymentStatus.PARTIALLY_REFUNDED:
                assert 0 < refunded < received
            else:
                assert refunded == 0
            if payment.status == PaymentStatus.AUTHORIZED:
                assert payment.capture_before is not None
            before = self.seen[payment.public_id]
            assert before == payment.status or _reachable(before, payment.status)
            self.seen[payment.public_id] = payment.status


def _reachable(start: str, end: str) -> bool:
    frontier, seen = [start], set()
    while frontier:
        status = frontier.pop()
        for nxt in TRANSITIONS[status]:
            if nxt == end:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


@pytest.mark.django_db
def test_payment_lifecycle():
    run_state_machine_as_test(
        PaymentLifecycle,
        settings=settings(max_examples=40, stateful_step_count=20, deadline=None),
    )
