"""What Stripe's search fields of Customers, PaymentIntents and Charges mean here
(`api.stripe.search`): each field, in Stripe's words, as a Q on the domain's models.

Stripe's values are translated here, not in the domain: a PaymentIntent status is the set of
payment states `rendering.status_of` shows as it, a currency is upper case in the domain.
"""

from django.db.models import F, Q

from api.stripe.search import SearchFields, metadata, number, string, timestamp, token
from payments.api.stripe.rendering import STATUSES
from payments.models import ChargeStatus, PaymentStatus

NOTHING = Q(pk__in=[])
_WAITING = Q(status=PaymentStatus.REQUIRES_CONFIRMATION)
_NEEDS_METHOD = _WAITING & (Q(payment_method_id="") | ~Q(failure_reason=""))


def _intent_statuses() -> dict[str, Q]:
    """Each PaymentIntent status Stripe has, as the payments `status_of` shows as it
    (`requires_action` is never shown: 3-D Secure is not simulated)."""
    statuses: dict[str, Q] = {"requires_payment_method": _NEEDS_METHOD,
                              "requires_confirmation": _WAITING & ~_NEEDS_METHOD,
                              "requires_action": NOTHING}
    for ours, theirs in STATUSES.items():
        statuses[theirs] = statuses.get(theirs, NOTHING) | Q(status=ours)
    return statuses


def _currency(value: str) -> str:
    return value.upper()


CUSTOMER_SEARCH = SearchFields("customers", {
    "created": timestamp(),
    "email": string("email"),
    "metadata": metadata(),
    "name": string("name"),
    "phone": string("phone"),
})

INTENT_SEARCH = SearchFields("payment_intents", {
    "amount": number("amount_minor"),
    "created": timestamp(),
    "currency": token("currency", convert=_currency),
    "customer": token("customer_id"),
    "metadata": metadata(),
    "status": token(values=_intent_statuses()),
})

# A charge is refunded when its payment's refunds cover what it captured (only the payment's
# latest charge carries refunds), or when its authorisation was released (the payment
# cancelled before capture): as `cards.charge_to_stripe` renders `refunded`.
_CURRENT = Q(payment__latest_charge_id=F("public_id"))
_REFUNDED = _CURRENT & (
    Q(amount_captured_minor__gt=0, payment__refunded_minor__gte=F("amount_captured_minor"))
    | Q(amount_captured_minor=0, payment__status=PaymentStatus.CANCELLED))

CHARGE_SEARCH = SearchFields("charges", {
    "amount": number("amount_minor"),
    "created": timestamp(),
    "currency": token("currency", convert=_currency),
    "customer": token("payment__customer_id"),
    "metadata": metadata(),
    "payment_method_details.card.last4": token("card__last4"),
    "refunded": token(values={"true": _REFUNDED, "false": ~_REFUNDED}),
    "status": token(values={"succeeded": Q(status=ChargeStatus.SUCCEEDED),
                            "failed": Q(status=ChargeStatus.FAILED), "pending": NOTHING}),
})
