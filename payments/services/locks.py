"""Rows of customers and cards locked for a change (until the caller's transaction ends)."""

from accounts.models import Account
from core.errors import NotFound
from payments.models import Card, Customer


def customer_lock(account: Account, customer_id: str, *,
                  param: str = "customer_id") -> Customer:
    """The customer row, locked until the caller's transaction ends."""
    customer = (Customer.objects.select_for_update()
                .filter(account=account, public_id=customer_id).first())
    if customer is None:
        raise NotFound("customer", customer_id, param=param)
    customer.account = account
    return customer


def card_lock(account: Account, card_id: str) -> Card:
    card = (Card.objects.select_for_update(of=("self",)).select_related("customer")
            .filter(account=account, public_id=card_id).first())
    if card is None:
        raise NotFound("payment method", card_id, param="card_id",
                       message=f"No such payment method: '{card_id}'.")
    card.account = account
    return card
