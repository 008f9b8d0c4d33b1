"""The payment state machine: the one table of legal moves and the one function that moves."""

from core.errors import InvalidState
from payments.models import Payment, PaymentStatus

S = PaymentStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PROCESSING: frozenset({S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# How an illegal move is described to the client, by the status it aimed for.
_VERBS = {
    S.CANCELLED: "cancelled",
    S.PROCESSING: "processed",
    S.COMPLETED: "completed",
    S.FAILED: "failed",
    S.PARTIALLY_REFUNDED: "refunded",
    S.REFUNDED: "refunded",
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def transition(payment: Payment, target: str) -> None:
    """Move `payment` to `target` in memory; the caller saves it inside its transaction."""
    if not can_transition(payment.status, target):
        raise InvalidState(
            f"Payment '{payment.public_id}' cannot be {_VERBS[target]}. "
            f"Current status: '{payment.status}'."
        )
    payment.status = target
