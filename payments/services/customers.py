"""Customers of the account's business: payments name them by id; cards are saved for them
(`payments.services.cards`), one of them the default."""

from accounts.models import Account
from core import clock
from core.errors import NotFound, UnprocessableRequest
from core.formats import Format
from core.metadata import merged_metadata
from core.transactions import service_transaction
from payments import selectors
from payments.models import Card, Customer
from payments.services.cards import card_attach_locked
from payments.services.locks import customer_lock
from webhooks_app import events
from webhooks_app.services import events_emit


def _emit_customer(customer: Customer, event_type: str) -> None:
    events_emit(account=customer.account, events=[(event_type, customer)])


@service_transaction
def customer_create(*, account: Account, email: str = "", name: str = "", description: str = "",
                    phone: str = "", metadata: dict | None = None, card_id: str = "",
                    default_card_id: str = "", origin: str = Format.V1) -> Customer:
    """A customer; with `card_id`, that card saved for it at once (no customer is made when
    the card is declined: `Declined`), and `default_card_id` its default card."""
    customer = Customer.objects.create(
        account=account, email=email, name=name, description=description, phone=phone,
        metadata=metadata or {}, created_at=clock.now(account))
    _emit_customer(customer, events.CUSTOMER_CREATED)
    if card_id:
        method = selectors.method_get(account=account, method_id=card_id, param="card_id")
        card_attach_locked(account, method, customer, origin=origin)
    if default_card_id:
        customer.default_card = _own_card(customer, default_card_id)
        customer.save(update_fields=["default_card"])
    return customer


@service_transaction
def customer_update(*, account: Account, customer_id: str, default_card_id: str | None = None,
                    **changes) -> Customer:
    """Change the given fields (email, name, description, phone); `metadata` is merged
    (`core.metadata.merged_metadata`); `default_card_id` names one of the customer's saved
    cards ("" clears it)."""
    customer = customer_lock(account, customer_id)
    metadata = changes.pop("metadata", None)
    for name, value in changes.items():
        setattr(customer, name, value)
    if metadata is not None:
        customer.metadata = merged_metadata(customer.metadata, metadata)
    if default_card_id is not None:
        customer.default_card = _own_card(customer, default_card_id) if default_card_id else None
    customer.save()
    _emit_customer(customer, events.CUSTOMER_UPDATED)
    return customer


def _own_card(customer: Customer, card_id: str) -> Card:
    card = Card.objects.filter(account=customer.account, public_id=card_id).first()
    if card is None:
        raise NotFound("payment method", card_id, param="default_card_id",
                       message=f"No such payment method: '{card_id}'.")
    if card.customer_id != customer.pk:
        raise UnprocessableRequest(
            f"Payment method '{card_id}' is not saved for customer '{customer.public_id}': "
            "attach it first.", code="payment_method_not_attached", param="default_card_id")
    return card


@service_transaction
def customer_delete(*, account: Account, customer_id: str) -> None:
    """Delete the customer; its payments keep its id, its saved cards are detached."""
    customer = customer_lock(account, customer_id)
    _emit_customer(customer, events.CUSTOMER_DELETED)  # the customer as it was
    customer.delete()
