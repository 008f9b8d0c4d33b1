"""Cards: payment methods made from a test card (its number, a token, or a test payment
method id), updated, saved for a customer (attached) and detached.

A test payment method id (`pm_card_visa`) stands for a card wherever a payment names it;
saving one for a customer makes a card of the account from it, as a processor keeps its own
copy of what it is given. Saving a card whose issuer declines it fails with `Declined`.
"""

from accounts.models import Account
from core import clock
from core.errors import Declined, InvalidState, UnprocessableRequest
from core.formats import Format
from core.ids import id_for
from core.metadata import merged_metadata
from core.transactions import service_transaction
from payments import selectors, simulator, testcards
from payments.models import CARD_ID_PREFIX, Card, Customer
from payments.selectors import Method
from payments.services.locks import card_lock, customer_lock
from payments.testcards import TestCard
from webhooks_app import events
from webhooks_app.services import events_emit

YEARS_VALID = 3  # a card made from a token or a test id expires in December, years ahead


@service_transaction
def card_create(*, account: Account, number: str = "", token: str = "",
                exp_month: int | None = None, exp_year: int | None = None,
                billing_details: dict | None = None, metadata: dict | None = None,
                origin: str = Format.V1) -> Card:
    """A card from a test card number (with its expiry) or a token (`tok_visa`)."""
    if bool(number) == bool(token):
        raise UnprocessableRequest("Give a card number or a token, not both.", param="number")
    test_card = testcards.by_number(number) if number else testcards.by_token(token)
    now = clock.now(account)
    if number:
        _check_expiry(exp_month, exp_year, now)
    card = _card_of(account, test_card, origin=origin, exp_month=exp_month,
                    exp_year=exp_year, billing_details=billing_details, metadata=metadata)
    card.save(force_insert=True)
    return card


def _check_expiry(exp_month: int | None, exp_year: int | None, now) -> None:
    if exp_month is None or exp_year is None:
        raise UnprocessableRequest("A card number needs its expiry: exp_month and exp_year.",
                                   code="invalid_expiry", param="exp_month")
    if not 1 <= exp_month <= 12:
        raise UnprocessableRequest("Your card's expiration month is invalid.",
                                   code="invalid_expiry_month", param="exp_month")
    if (exp_year, exp_month) < (now.year, now.month) or exp_year > now.year + 50:
        raise UnprocessableRequest("Your card's expiration year is invalid.",
                                   code="invalid_expiry_year", param="exp_year")


def _card_of(account: Account, test_card: TestCard, *, origin: str,
             exp_month: int | None = None, exp_year: int | None = None,
             billing_details: dict | None = None, metadata: dict | None = None) -> Card:
    now = clock.now(account)
    return Card(
        public_id=id_for("card", origin, default=CARD_ID_PREFIX), account=account,
        origin=origin, number=test_card.number, brand=test_card.brand, last4=test_card.last4,
        exp_month=exp_month or 12, exp_year=exp_year or now.year + YEARS_VALID,
        funding=test_card.funding, country=test_card.country,
        fingerprint=test_card.fingerprint, billing_details=billing_details or {},
        metadata=metadata or {}, created_at=now)


def card_saved(account: Account, method: Method, *, origin: str,
               customer: Customer | None = None) -> Card:
    """The account's card for `method`: the card itself, or a new one (for `customer`) made
    from the test card a test payment method id stands for (inside the caller's
    transaction)."""
    if method.saved is not None:
        return method.saved
    if method.card is None:
        raise UnprocessableRequest(f"Payment method '{method.id}' is not a card: only cards "
                                   "are saved.", code="payment_method_invalid_parameter",
                                   param="payment_method_id")
    card = _card_of(account, method.card, origin=origin)
    card.customer = customer
    card.save(force_insert=True)
    return card


@service_transaction
def card_update(*, account: Account, card_id: str, billing_details: dict | None = None,
                metadata: dict | None = None, exp_month: int | None = None,
                exp_year: int | None = None) -> Card:
    """Change a saved card's billing details (replaced), metadata (merged) or expiry."""
    card = card_lock(account, card_id)
    if billing_details is not None:
        card.billing_details = billing_details
    if metadata is not None:
        card.metadata = merged_metadata(card.metadata, metadata)
    if exp_month is not None or exp_year is not None:
        month, year = exp_month or card.exp_month, exp_year or card.exp_year
        _check_expiry(month, year, clock.now(account))
        card.exp_month, card.exp_year = month, year
    card.save()
    events_emit(account=account, events=[(events.CARD_UPDATED, card)])
    return card


def card_attach(*, account: Account, card_id: str, customer_id: str,
                origin: str = Format.V1) -> Card:
    """Save the card `card_id` names (one of the account's, or a test payment method id)
    for the customer. Declined (402) when its issuer declines it; InvalidState when it is
    saved for another customer already."""
    method = selectors.method_get(account=account, method_id=card_id, param="card_id")
    return _attach(account=account, method=method, customer_id=customer_id, origin=origin)


@service_transaction
def _attach(*, account: Account, method: Method, customer_id: str, origin: str) -> Card:
    customer = customer_lock(account, customer_id, param="customer_id")
    return card_attach_locked(account, method, customer, origin=origin)


def card_attach_locked(account: Account, method: Method, customer: Customer, *,
                       origin: str) -> Card:
    """Attach inside the caller's transaction, the customer locked (a setup's success, a
    payment saving its card)."""
    if method.card is not None:
        reason = simulator.setup_decline_reason(method.card)
        if reason:
            raise Declined("Your card was declined.", code=reason, param="card_id")
    if method.saved is None:  # a new card of the customer
        card = card_saved(account, method, origin=origin, customer=customer)
        events_emit(account=account, events=[(events.CARD_ATTACHED, card)])
        return card
    card = card_lock(account, method.saved.public_id)
    if card.customer_id == customer.pk:
        return card
    if card.customer_id is not None:
        raise InvalidState(
            f"Payment method '{card.public_id}' is saved for another customer: detach it "
            "first.", code="payment_method_unexpected_state", subject=card, action="attach")
    card.customer = customer
    card.save(update_fields=["customer"])
    events_emit(account=account, events=[(events.CARD_ATTACHED, card)])
    return card


@service_transaction
def card_detach(*, account: Account, card_id: str) -> Card:
    """Forget the card for its customer (no longer the customer's default either)."""
    card = card_lock(account, card_id)
    if card.customer_id is None:
        raise InvalidState(
            f"Payment method '{card.public_id}' is not attached to a customer, so it cannot "
            "be detached.", code="payment_method_unexpected_state", subject=card,
            action="detach")
    Customer.objects.filter(pk=card.customer_id, default_card=card).update(default_card=None)
    card.customer = None
    card.save(update_fields=["customer"])
    events_emit(account=account, events=[(events.CARD_DETACHED, card)])
    return card
