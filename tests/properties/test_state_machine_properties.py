"""No sequence of operations reaches an illegal state or refunds more than was paid."""

from decimal import Decimal

import pytest
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


class PaymentLifecycle(RuleBasedStateMachine):
    """Random creates, settlements, cancels and refunds, through the services only."""

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
            assert payment.refunded_minor == refunded <= payment.amount_minor
            if payment.status == PaymentStatus.REFUNDED:
                assert refunded == payment.amount_minor
            elif payment.status == PaymentStatus.PARTIALLY_REFUNDED:
                assert 0 < refunded < payment.amount_minor
            else:
                assert refunded == 0
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
