"""What `expand[]` expands of refunds on `/stripe/v1` (`api.stripe.expand`): a Refund's
`charge` and `payment_intent`, refunds loaded by id, and a Charge's `refunds`, which Stripe
leaves out of a Charge unless expanded: the list of its refunds, newest first, at most
`CHARGE_REFUNDS` of them (payments renders charges and knows nothing of refunds)."""

from refunds import selectors
from refunds.api.stripe.rendering import refund_to_stripe

CHARGE_REFUNDS = 10


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
    registry.register_field("refund", "charge", "charge")
    registry.register_field("refund", "payment_intent", "payment_intent")
    registry.register_field("refund", "balance_transaction", None)
    registry.register_field("charge", "refunds", "refund", load=charge_refunds,
                            key=lambda charge: charge.get("id"), many=True)
