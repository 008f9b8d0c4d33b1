"""What `expand[]` expands of refunds on `/stripe/v1` (`api.stripe.expand`): a Refund's
`charge`, `payment_intent`, `customer` and `payment_method`, refunds loaded by id, and a
Charge's `refunds`, which Stripe leaves out of a Charge unless expanded: the list of its
refunds, newest first, at most `CHARGE_REFUNDS` of them (payments renders charges and knows
nothing of refunds)."""

from refunds import selectors
from refunds.api.stripe.rendering import refund_to_stripe

CHARGE_REFUNDS = 10
# A Refund's fields Stripe's types declare expandable, and the type each holds (None: always
# null here).
FIELDS = {"charge": "charge", "customer": "customer", "payment_intent": "payment_intent",
          "payment_method": "payment_method", "balance_transaction": None,
          "failure_balance_transaction": None, "source_transfer_reversal": None,
          "transfer_reversal": None}


def refunds(account, ids: list[str]) -> dict[str, dict]:
    return {refund_id: refund_to_stripe(refund) for refund_id, refund in
            selectors.refunds_by_id(account=account, refund_ids=ids).items()}


def charge_refunds(account, charge_ids: list[str]) -> dict[str, dict]:
    """Each charge's `refunds`: Stripe's list object (its `url` the charge's refunds)."""
    found = selectors.refunds_of_charges(account=account, charge_ids=charge_ids,
                                         limit=CHARGE_REFUNDS)
    return {charge_id: {"object": "list",
                        "data": [refund_to_stripe(refund) for refund in rows[:CHARGE_REFUNDS]],
                        "has_more": len(rows) > CHARGE_REFUNDS,
                        "url": f"/v1/charges/{charge_id}/refunds"}
            for charge_id, rows in found.items()}


def register_expansions(registry) -> None:
    registry.register_object("refund", refunds)
    for path, target in FIELDS.items():
        registry.register_field("refund", path, target)
    registry.register_field("charge", "refunds", "refund", load=charge_refunds,
                            key=lambda charge: charge.get("id"), many=True)
