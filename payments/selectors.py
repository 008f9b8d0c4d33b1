"""Reads of payments, customers, cards, charges, setups and checkouts, always scoped to the
calling account (but the customers' pages, which their ids open).

A list narrows to `where`, a `Q` over the model's own fields (`created_at`, `customer_id`,
`payment__public_id`, ...), which the formats build from their filters and searches: the
selector keeps the scoping to the account and what each row is read with.
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Account
from core import sql
from core.errors import NotFound
from payments import simulator, testcards
from payments.models import (
    AuthenticationStatus,
    Card,
    CardAuthentication,
    Charge,
    Checkout,
    CheckoutLineItem,
    Customer,
    Payment,
    PaymentStatus,
    Setup,
    SetupStatus,
)
from payments.testcards import TestCard
from webhooks_app.models import Event

ALL = Q()  # a list's `where` when nothing narrows it


def payment_list(*, account: Account, where: Q = ALL):
    return Payment.objects.filter(where, account=account)


def payment_get(*, account: Account, payment_id: str) -> Payment:
    payment = sql.get_with(Payment, public_id=payment_id, account_id=account.pk)  # hot path
    if payment is None:
        raise NotFound("payment", payment_id, param="payment_id")
    payment.account = account  # the caller's instance: no second read of the account
    return payment


def payment_events(*, payment: Payment):
    """Events about the payment, its charges and its refunds, oldest first (for the admin)."""
    object_ids = [payment.public_id, *payment.refunds.values_list("public_id", flat=True),
                  *payment.charges.values_list("public_id", flat=True)]
    return Event.objects.filter(account_id=payment.account_id, object_id__in=object_ids).order_by(
        "created_at", "id"
    )


def payments_by_id(*, account: Account, payment_ids) -> dict[str, Payment]:
    """The account's payments named in `payment_ids`, by id (one query; unknown ids are left
    out)."""
    ids = {payment_id for payment_id in payment_ids if payment_id}
    if not ids:
        return {}
    payments = {payment.public_id: payment
                for payment in Payment.objects.filter(account=account, public_id__in=ids)}
    for payment in payments.values():
        payment.account = account  # the caller's instance: no read of the account per row
    return payments


def customer_list(*, account: Account, where: Q = ALL):
    return Customer.objects.filter(where, account=account).select_related("default_card")


def customer_get(*, account: Account, customer_id: str) -> Customer:
    customer = Customer.objects.filter(account=account, public_id=customer_id).select_related(
        "default_card").first()
    if customer is None:
        raise NotFound("customer", customer_id, param="customer_id")
    return customer


def customers_by_id(*, account: Account, customer_ids) -> dict[str, Customer]:
    """The account's customers named in `customer_ids`, by id (one query; unknown ids are
    left out)."""
    ids = {customer_id for customer_id in customer_ids if customer_id}
    if not ids:
        return {}
    return {customer.public_id: customer for customer in Customer.objects.filter(
        account=account, public_id__in=ids).select_related("default_card")}


@dataclass(frozen=True)
class Method:
    """A payment method as a payment or a setup names it: its id, the test card it is (None
    for the `/v1` test methods) and, when it is one of the account's cards, that card."""

    id: str
    card: TestCard | None = None
    saved: Card | None = None


def method_get(*, account: Account, method_id: str, param: str = "payment_method_id") -> Method:
    """The payment method `method_id` names (no query for the test ones); NotFound if it
    names none of the account's."""
    if not method_id or method_id in simulator.TEST_METHODS:
        return Method(method_id)
    card = testcards.of_test_method(method_id)
    if card is not None:
        return Method(method_id, card)
    saved = Card.objects.filter(account=account, public_id=method_id).select_related(
        "customer").first()
    if saved is None:
        raise NotFound("payment method", method_id, param=param,
                       message=f"No such payment method: '{method_id}'.")
    return Method(method_id, testcards.TEST_CARDS[saved.number], saved)


def methods_by_id(*, account: Account, method_ids) -> dict[str, Method]:
    """The payment methods named in `method_ids`, by id: test ones as they are, the
    account's saved cards in one query; ids that name none of them are left out."""
    methods, saved_ids = {}, set()
    for method_id in {method_id for method_id in method_ids if method_id}:
        if method_id in simulator.TEST_METHODS:
            methods[method_id] = Method(method_id)
        elif (card := testcards.of_test_method(method_id)) is not None:
            methods[method_id] = Method(method_id, card)
        else:
            saved_ids.add(method_id)
    for card_id, card in cards_by_id(account=account, card_ids=saved_ids).items():
        methods[card_id] = Method(card_id, testcards.TEST_CARDS[card.number], card)
    return methods


def card_get(*, account: Account, card_id: str) -> Card:
    """One of the account's saved cards (not a test payment method id)."""
    card = Card.objects.filter(account=account, public_id=card_id).select_related(
        "customer").first()
    if card is None:
        raise NotFound("payment method", card_id, param="card_id",
                       message=f"No such payment method: '{card_id}'.")
    return card


def card_list(*, account: Account, where: Q = ALL):
    return Card.objects.filter(where, account=account).select_related("customer")


def cards_by_id(*, account: Account, card_ids) -> dict[str, Card]:
    """The account's saved cards named in `card_ids`, by id (one query at most)."""
    ids = {card_id for card_id in card_ids if card_id}
    if not ids:
        return {}
    return {card.public_id: card for card in Card.objects.filter(
        account=account, public_id__in=ids).select_related("customer")}


def charge_list(*, account: Account, where: Q = ALL):
    return Charge.objects.filter(where, account=account).select_related("payment")


def charges_by_id(*, account: Account, charge_ids) -> dict[str, Charge]:
    """The account's charges named in `charge_ids`, with their payments, by id (one query
    at most)."""
    ids = {charge_id for charge_id in charge_ids if charge_id}
    if not ids:
        return {}
    return {charge.public_id: charge for charge in Charge.objects.filter(
        account=account, public_id__in=ids).select_related("payment")}


def charge_get(*, account: Account, charge_id: str) -> Charge:
    charge = Charge.objects.filter(account=account, public_id=charge_id).select_related(
        "payment").first()
    if charge is None:
        raise NotFound("charge", charge_id, param="charge_id")
    return charge


def setup_list(*, account: Account, where: Q = ALL):
    return Setup.objects.filter(where, account=account).select_related("account", "customer",
                                                                        "card")


def setups_by_id(*, account: Account, setup_ids) -> dict[str, Setup]:
    """The account's setups named in `setup_ids`, by id (one query at most)."""
    ids = {setup_id for setup_id in setup_ids if setup_id}
    if not ids:
        return {}
    return {setup.public_id: setup for setup in setup_list(
        account=account, where=Q(public_id__in=ids))}


def setup_get(*, account: Account, setup_id: str) -> Setup:
    setup = Setup.objects.filter(account=account, public_id=setup_id).select_related(
        "customer", "card").first()
    if setup is None:
        raise NotFound("setup", setup_id, param="setup_id")
    setup.account = account  # the caller's instance: no second read of the account
    return setup


def _checkouts():
    return Checkout.objects.select_related("customer", "payment", "setup")


def checkout_list(*, account: Account, where: Q = ALL):
    return _checkouts().filter(where, account=account)


def checkout_get(*, account: Account, checkout_id: str) -> Checkout:
    checkout = _checkouts().filter(account=account, public_id=checkout_id).first()
    if checkout is None:
        raise NotFound("checkout", checkout_id, param="checkout_id")
    return checkout


def checkout_of_page(*, checkout_id: str) -> Checkout:
    """The checkout a page's address names (the page has no credentials: its id opens it)."""
    checkout = (_checkouts().select_related("account").prefetch_related("line_items")
                .filter(public_id=checkout_id).first())
    if checkout is None:
        raise NotFound("checkout", checkout_id, param="checkout_id")
    return checkout


def checkout_line_items(*, checkout: Checkout):
    """Its line items, as they were given."""
    return CheckoutLineItem.objects.filter(checkout=checkout)


def line_items_of_checkouts(*, account: Account, checkout_ids,
                            limit: int) -> dict[str, list[CheckoutLineItem]]:
    """The first `limit` + 1 line items of each of the account's checkouts named (as given;
    one query: a page of checkouts whose line items are expanded)."""
    found: dict[str, list[CheckoutLineItem]] = {}
    for item in (CheckoutLineItem.objects.filter(checkout__account=account,
                                                 checkout__public_id__in=set(checkout_ids))
                 .select_related("checkout").order_by("created_at", "id")):
        rows = found.setdefault(item.checkout.public_id, [])
        if len(rows) <= limit:
            rows.append(item)
    return found
def authentication_get(*, authentication_id: str) -> CardAuthentication:
    """A cardholder authentication by its id, with its account and its payment or setup:
    the id is the authentication page's unguessable address, so no account is asked for."""
    authentication = CardAuthentication.objects.select_related(
        "account", "payment", "setup__card").filter(public_id=authentication_id).first()
    if authentication is None:
        raise NotFound("authentication", authentication_id, param="authentication_id")
    return authentication


# What a payment is in once it went through: charged (captured, or held for a manual capture).
WENT_THROUGH = frozenset({PaymentStatus.COMPLETED, PaymentStatus.AUTHORIZED,
                          PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


def authentication_went_through(authentication: CardAuthentication) -> bool:
    """Whether what the decided authentication was for went through: the payment charged, or
    the setup's card saved. False once it failed, when the issuer declined the charge after
    the cardholder authenticated, and for one superseded."""
    if authentication.status != AuthenticationStatus.COMPLETED:
        return False
    if authentication.payment is not None:
        return authentication.payment.status in WENT_THROUGH
    return authentication.setup.status == SetupStatus.SUCCEEDED
