"""The payment state machine: the one table of legal moves and the one function that moves.

A payment created to be charged at once starts `pending` and moves on at once (cards,
wallets) or when it settles (bank transfers, crypto). One opened to be confirmed later starts
`requires_confirmation`; confirming moves it through `processing` to `completed` (automatic
capture) or `authorized` (manual capture), which capturing completes and cancelling or the
7-day expiry releases. A declined confirmation does not move it: it stays
`requires_confirmation`, with its `failure_reason`, to be confirmed again. A card whose
issuer asks the cardholder to authenticate first stops at `requires_action`: authenticated,
the payment goes on to `processing`; not (or confirmed again, which replaces the
authentication), it is back in `requires_confirmation`.
"""

from core.errors import InvalidState
from payments.models import Payment, PaymentStatus

S = PaymentStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUIRES_CONFIRMATION: frozenset({S.PROCESSING, S.REQUIRES_ACTION, S.CANCELLED}),
    S.REQUIRES_ACTION: frozenset({S.PROCESSING, S.REQUIRES_CONFIRMATION, S.CANCELLED}),
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

# What a move to each status is called when it is refused.
_ACTIONS = {
    S.REQUIRES_CONFIRMATION: "confirm",
    S.REQUIRES_ACTION: "authenticate",
    S.CANCELLED: "cancel",
    S.PROCESSING: "process",
    S.AUTHORIZED: "authorize",
    S.COMPLETED: "complete",
    S.FAILED: "fail",
    S.PARTIALLY_REFUNDED: "refund",
    S.REFUNDED: "refund",
}
_PAST = {"cancel": "cancelled", "process": "processed", "authorize": "authorized",
         "complete": "completed", "fail": "failed", "refund": "refunded",
         "confirm": "confirmed", "capture": "captured", "update": "updated",
         "authenticate": "authenticated"}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS[current]


def transition(payment: Payment, target: str) -> None:
    """Move `payment` to `target` in memory; the caller saves it inside its transaction."""
    if not can_transition(payment.status, target):
        raise_invalid(payment, _ACTIONS[target])
    payment.status = target


def require(payment: Payment, status: str, action: str) -> None:
    """Refuse `action` ("confirm", "capture") unless `payment` is in `status`."""
    if payment.status != status:
        raise_invalid(payment, action)


def raise_invalid(payment: Payment, action: str, *, code: str | None = None):
    raise InvalidState(
        f"Payment '{payment.public_id}' cannot be {_PAST[action]}. "
        f"Current status: '{payment.status}'.",
        code=code, subject=payment, action=action,
    )
