"""The payment state machine: the one table of legal moves and the one function that moves.

A payment made by `/v1` or devdraft starts `pending` and moves on at once (cards, wallets) or
when it settles (bank transfers, crypto). One made by the Stripe dialect starts
`requires_confirmation`; confirming moves it through `processing` to `completed` (automatic
capture) or `authorized` (manual capture), which capturing completes and cancelling or the
7-day expiry releases. A declined confirmation does not move it: it stays
`requires_confirmation`, with its `failure_reason`, to be confirmed again.
"""

from core.errors import InvalidState
from payments.models import Payment, PaymentStatus

S = PaymentStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUIRES_CONFIRMATION: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PENDING: frozenset({S.PROCESSING, S.CANCELLED}),
    S.PROCESSING: frozenset({S.COMPLETED, S.AUTHORIZED, S.FAILED, S.CANCELLED}),
    S.AUTHORIZED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
FINAL = frozenset(status for status, moves in TRANSITIONS.items() if not moves)

# How an illegal move is described to the client, by the status it aimed for.
_VERBS = {
    S.CANCELLED: "cancelled",
    S.PROCESSING: "processed",
    S.AUTHORIZED: "authorized",
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
        raise_invalid(payment, _VERBS[target])
    payment.status = target


def require(payment: Payment, status: str, verb: str) -> None:
    """Refuse an operation (`verb`: "confirmed", "captured") unless `payment` is in `status`."""
    if payment.status != status:
        raise_invalid(payment, verb)


def raise_invalid(payment: Payment, verb: str, *, code: str | None = None):
    raise InvalidState(
        f"Payment '{payment.public_id}' cannot be {verb}. Current status: '{payment.status}'.",
        code=code,
    )
