"""Checkouts: a payment page for the account's customer. Made by the API with what is sold
(its line items) and where the customer's browser goes afterwards; completed on the
sandbox's page, where the customer types a test card (a payment, or in setup mode a card
saved for later); expired, open, at `expires_at` by the account's clock or on request.

Paying on the page makes the checkout's payment at the first attempt and confirms it again
at each later one (a decline leaves the checkout open, the payment waiting for another
card); each attempt's card is a new card of the account, as a processor makes a payment
method of what the customer types. A card whose issuer asks the cardholder to authenticate
sends the browser through the authentication page (3-D Secure) and back to the checkout,
which is complete once its payment went through. Whether a test scenario declines the
attempt is asked first (`checkout.complete`), before the transaction. Times are the
account's (`core.clock`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts import scenarios
from accounts.models import Account
from core import clock
from core.errors import InvalidState, NotFound, UnprocessableRequest
from core.formats import Format
from core.ids import id_for
from core.periodic import frequent
from core.sandbox import DueWork, due_batch
from core.transactions import all_or_nothing, service_transaction
from payments import money, selectors
from payments.models import (
    CHECKOUT_ID_PREFIX,
    CaptureMethod,
    Card,
    Checkout,
    CheckoutLineItem,
    CheckoutMode,
    CheckoutPaymentStatus,
    CheckoutStatus,
    Customer,
    CustomerCreation,
    PaymentStatus,
    SetupStatus,
)
from payments.services.cards import card_create
from payments.services.customers import customer_create
from payments.services.payments import payment_abandon, payment_confirm, payment_open
from payments.services.setups import setup_abandon, setup_confirm, setup_create
from webhooks_app import events
from webhooks_app.services import events_emit

# How long a checkout stays open: 24 hours unless asked otherwise, from 30 minutes to 24 hours.
DEFAULT_LIFETIME = timedelta(hours=24)
SHORTEST_LIFETIME = timedelta(minutes=30)
MAX_LINE_ITEMS = 100


@dataclass(frozen=True)
class LineItem:
    """What a checkout sells: a product's name, its unit price (minor units) and how many."""

    name: str
    unit_amount_minor: int
    quantity: int
    currency: str


@dataclass(frozen=True)
class PaymentData:
    """What the payment made on the page is given."""

    capture_method: str = CaptureMethod.AUTOMATIC
    description: str = ""
    metadata: dict | None = None


@dataclass(frozen=True)
class CardEntry:
    """What the customer typed on the page (its form checked the shapes): a test card number,
    its expiry, the name on it and, when the checkout knows none, an email."""

    number: str
    exp_month: int
    exp_year: int
    name: str
    email: str = ""


@service_transaction
def checkout_create(*, account: Account, mode: str, line_items: list[LineItem] = (),
                    currency: str = "", success_url: str = "", cancel_url: str = "",
                    customer_id: str = "", customer_email: str = "",
                    customer_creation: str = CustomerCreation.IF_REQUIRED,
                    client_reference_id: str = "", metadata: dict | None = None,
                    expires_at: datetime | None = None, payment: PaymentData | None = None,
                    payment_method_types: list[str] | None = None, locale: str = "",
                    submit_type: str = "", origin: str = Format.V1) -> Checkout:
    """An open checkout: in `payment` mode its line items (one currency, their total within
    the currency's limits) are paid on the page; in `setup` mode (no line items, a
    `currency`) a card is saved there. A `customer` (or only a `customer_email`) says who
    pays; `expires_at` is 30 minutes to 24 hours ahead (default 24 hours)."""
    now = clock.now(account)
    currency, total = _priced(mode, line_items, currency, payment)
    customer = _customer(account, customer_id, customer_email)
    checkout = Checkout(
        public_id=id_for("checkout", origin, default=CHECKOUT_ID_PREFIX), account=account,
        origin=origin, mode=mode, currency=currency, amount_subtotal_minor=total,
        amount_total_minor=total,
        payment_status=(CheckoutPaymentStatus.UNPAID if mode == CheckoutMode.PAYMENT
                        else CheckoutPaymentStatus.NO_PAYMENT_REQUIRED),
        success_url=success_url, cancel_url=cancel_url, customer=customer,
        customer_email=customer_email, customer_creation=customer_creation,
        client_reference_id=client_reference_id, metadata=metadata or {},
        payment_method_types=list(payment_method_types or ["card"]), locale=locale,
        submit_type=submit_type, expires_at=_expiry(expires_at, now), created_at=now,
        updated_at=now)
    if payment is not None:
        checkout.capture_method = payment.capture_method
        checkout.payment_description = payment.description
        checkout.payment_metadata = payment.metadata or {}
    checkout.save(force_insert=True)
    CheckoutLineItem.objects.bulk_create([
        CheckoutLineItem(checkout=checkout, name=item.name, currency=currency,
                         unit_amount_minor=item.unit_amount_minor, quantity=item.quantity,
                         created_at=now) for item in line_items])
    return checkout


def _priced(mode: str, line_items: list[LineItem], currency: str,
            payment: PaymentData | None) -> tuple[str, int | None]:
    """The checkout's currency and total (None in setup mode), once the mode's rules hold."""
    if mode == CheckoutMode.SETUP:
        if line_items:
            raise UnprocessableRequest("A checkout in setup mode sells nothing: give no line "
                                       "items.", param="line_items")
        if payment is not None:
            raise UnprocessableRequest("A checkout in setup mode makes no payment: give no "
                                       "payment data.", param="payment")
        if not currency:
            raise UnprocessableRequest("A checkout in setup mode needs a currency.",
                                       code="parameter_missing", param="currency")
        return currency, None
    if not line_items:
        raise UnprocessableRequest("A checkout in payment mode needs at least one line item.",
                                   code="parameter_missing", param="line_items")
    if len(line_items) > MAX_LINE_ITEMS:
        raise UnprocessableRequest(f"A checkout has at most {MAX_LINE_ITEMS} line items.",
                                   param="line_items")
    currencies = {item.currency for item in line_items}
    if len(currencies) > 1 or currency and currencies != {currency}:
        raise UnprocessableRequest("All line items must be in one currency (the checkout's, "
                                   "if one is given).", param="currency")
    currency = currencies.pop()
    total = sum(item.unit_amount_minor * item.quantity for item in line_items)
    try:
        money.check_limits(total, money.get_currency(currency))
    except money.MoneyError as error:
        raise UnprocessableRequest(f"The line items' total: {error}", code=error.code,
                                   param="line_items") from None
    return currency, total


def _customer(account: Account, customer_id: str, customer_email: str) -> Customer | None:
    if customer_id and customer_email:
        raise UnprocessableRequest("Give a customer or a customer email, not both.",
                                   param="customer_email")
    return selectors.customer_get(account=account, customer_id=customer_id) if customer_id else None


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if not now + SHORTEST_LIFETIME <= expires_at <= now + DEFAULT_LIFETIME:
        raise UnprocessableRequest(
            "The checkout must expire between 30 minutes and 24 hours from its creation (by "
            f"the account's clock, now {clock.iso(now, 'seconds')}).", param="expires_at")
    return expires_at


# --- The page: paying, or saving a card ------------------------------------------------------


@dataclass(frozen=True)
class Browser:
    """Where the customer's browser is: the sandbox's root URL as it reaches it (where its
    authentication page is served; "" for none), and where that page sends it back."""

    authenticate_at: str = ""
    return_url: str = ""


def checkout_complete(*, account: Account, checkout_id: str, entry: CardEntry,
                      browser: Browser = Browser()) -> Checkout:
    """Pay the checkout (or, in setup mode, save the card) with the card the customer typed
    on its page. Approved: `complete` (`paid`, or `unpaid` while a manual capture waits),
    the customer's details kept, `checkout.completed`. Declined: still `open`, its payment
    (or setup) holding the decline, for another card. A card whose issuer asks the
    cardholder to authenticate, with a `browser` to send there, leaves it `open` too, its
    payment (or setup) waiting in `requires_action` for the authentication page, which sends
    the browser back to `browser.return_url` (see `checkout_sync`). A checkout that is no
    longer open (or whose time is up: it expires here) is returned as it is: nothing is
    charged."""
    declined = ""
    if account.has_scenarios:  # judged before a scenario is used up
        checkout = selectors.checkout_get(account=account, checkout_id=checkout_id)
        if checkout.status == CheckoutStatus.OPEN:
            scenario = scenarios.take(account=account, operation=scenarios.CHECKOUT_COMPLETE,
                                      facts=lambda: checkout_facts(checkout))
            declined = scenario.decline_code if scenario else ""
    with all_or_nothing():  # the services below join this one transaction
        return _complete(account, checkout_id, entry, declined, browser)


def checkout_facts(checkout: Checkout) -> dict:
    """What a test scenario's `match` compares for paying `checkout` (no amount in setup
    mode)."""
    amount = checkout.amount_total_minor
    return {"amount": None if amount is None else money.to_major(amount, checkout.currency),
            "currency": checkout.currency}


def _complete(account: Account, checkout_id: str, entry: CardEntry, declined: str,
              browser: Browser) -> Checkout:
    checkout = _lock(checkout_id, account)
    now = clock.now(account)
    if checkout.status == CheckoutStatus.OPEN and not _settled(checkout) and (
            checkout.expires_at <= now):
        _expire_locked(checkout)
    if checkout.status != CheckoutStatus.OPEN:
        return checkout
    email = checkout.given_email or entry.email
    if checkout.customer is None and checkout.customer_creation == CustomerCreation.ALWAYS:
        checkout.customer = customer_create(account=account, email=email, name=entry.name,
                                            origin=checkout.origin)
    card = card_create(account=account, number=entry.number, exp_month=entry.exp_month,
                       exp_year=entry.exp_year, origin=checkout.origin,
                       billing_details={"email": email, "name": entry.name})
    if checkout.mode == CheckoutMode.PAYMENT:
        _pay(checkout, card, email, declined, browser)
    else:
        _save(checkout, card, declined, browser)
    if _went_through(checkout):
        _completed(checkout, card)
    else:
        checkout.updated_at = now
        checkout.save()
    return checkout


def _pay(checkout: Checkout, card: Card, email: str, declined: str, browser: Browser) -> None:
    """Charge the checkout's payment with `card` (the payment is made at the first
    attempt)."""
    account, attempt = checkout.account, {
        "payment_method_id": card.public_id, "declined": declined,
        "authenticate_at": browser.authenticate_at, "return_url": browser.return_url}
    if checkout.payment is None:
        checkout.payment = payment_open(
            account=account, amount_minor=checkout.amount_total_minor,
            currency=checkout.currency, confirm=True, capture_method=checkout.capture_method,
            customer_id=checkout.customer.public_id if checkout.customer else "",
            description=checkout.payment_description, customer_email=email,
            metadata=checkout.payment_metadata, origin=checkout.origin, **attempt)
    else:
        checkout.payment = payment_confirm(account=account,
                                           payment_id=checkout.payment.public_id, **attempt)


def _save(checkout: Checkout, card: Card, declined: str, browser: Browser) -> None:
    """Save `card` for the checkout's customer (or for no one) through its setup (made at
    the first attempt)."""
    account, attempt = checkout.account, {
        "method_id": card.public_id, "declined": declined,
        "authenticate_at": browser.authenticate_at, "return_url": browser.return_url}
    if checkout.setup is None:
        checkout.setup = setup_create(
            account=account, customer_id=checkout.customer.public_id if checkout.customer
            else "", confirm=True, origin=checkout.origin, **attempt)
    else:
        checkout.setup = setup_confirm(account=account, setup_id=checkout.setup.public_id,
                                       **attempt)


@service_transaction
def checkout_sync(*, account: Account, checkout_id: str) -> Checkout:
    """An open checkout whose payment (or setup) went through since its last attempt on the
    page (the cardholder authenticated on the authentication page) is complete now, as
    paying on the page completes it; any other is returned as it is."""
    checkout = _lock(checkout_id, account)
    if checkout.status == CheckoutStatus.OPEN:
        _settled(checkout)
    return checkout


def _settled(checkout: Checkout) -> bool:
    """Complete an open checkout whose payment or setup went through (by an authentication
    decided meanwhile); whether it did. Nothing is expired that was paid."""
    if not _went_through(checkout):
        return False
    _completed(checkout, checkout.setup.card if checkout.payment is None else selectors.card_get(
        account=checkout.account, card_id=checkout.payment.payment_method_id))
    return True


def _went_through(checkout: Checkout) -> bool:
    if checkout.payment is not None:
        return checkout.payment.status in selectors.WENT_THROUGH
    return checkout.setup is not None and checkout.setup.status == SetupStatus.SUCCEEDED


def _completed(checkout: Checkout, card: Card) -> None:
    """The checkout is complete: paid with `card` (or `card` saved), whose billing details
    are the customer's details."""
    checkout.status = CheckoutStatus.COMPLETE
    if checkout.payment is not None:
        checkout.payment_status = (CheckoutPaymentStatus.UNPAID
                                   if checkout.payment.status == PaymentStatus.AUTHORIZED
                                   else CheckoutPaymentStatus.PAID)
    checkout.customer_details = {"email": card.billing_details.get("email", ""),
                                 "name": card.billing_details.get("name", "")}
    checkout.updated_at = clock.now(checkout.account)
    checkout.save()
    events_emit(account=checkout.account, events=[(events.CHECKOUT_COMPLETED, checkout)])


# --- Expiry ----------------------------------------------------------------------------------


@service_transaction
def checkout_expire(*, account: Account, checkout_id: str) -> Checkout:
    """Expire an open checkout now: its page takes no more payment, and a payment (or setup)
    it made is cancelled. InvalidState once complete (also when its payment went through
    meanwhile: it is completed instead) or expired."""
    checkout = _lock(checkout_id, account)
    if checkout.status == CheckoutStatus.OPEN:
        _settled(checkout)
    if checkout.status != CheckoutStatus.OPEN:
        raise InvalidState(f"Checkout '{checkout.public_id}' cannot be expired. Current "
                           f"status: '{checkout.status}'.", subject=checkout, action="expire")
    _expire_locked(checkout)
    return checkout


def _expire_locked(checkout: Checkout) -> None:
    account = checkout.account
    checkout.status, checkout.updated_at = CheckoutStatus.EXPIRED, clock.now(account)
    checkout.save(update_fields=["status", "updated_at"])
    if checkout.payment is not None:
        payment_abandon(account=account, payment_id=checkout.payment.public_id)
    if checkout.setup is not None:
        setup_abandon(account=account, setup_id=checkout.setup.public_id)
    events_emit(account=account, events=[(events.CHECKOUT_EXPIRED, checkout)])


@service_transaction
def checkout_expire_due(*, checkout_id: str, account: Account | None = None) -> bool:
    """Expire an open checkout whose time is up by its account's clock; False (nothing done)
    when it is no longer open, not due yet, or its payment went through (completed
    instead)."""
    checkout = _lock(checkout_id, account)
    if (checkout.status != CheckoutStatus.OPEN
            or checkout.expires_at > clock.now(checkout.account) or _settled(checkout)):
        return False
    _expire_locked(checkout)
    return True


@frequent
def checkouts_expire_overdue(*, grace: timedelta) -> int:
    """Expire the open checkouts whose `expires_at` has passed by their account's clock; a
    job of every scheduler tick. An expiry is a deadline, not lost work: no `grace`."""
    expires_wall = clock.WallTime("expires_at", "account__clock_offset_seconds")
    due = list(Checkout.objects.alias(expires_wall=expires_wall)
               .filter(status=CheckoutStatus.OPEN, expires_wall__lte=timezone.now())
               .values_list("public_id", flat=True)[:10_000])
    return sum(checkout_expire_due(checkout_id=checkout_id) for checkout_id in due)


def checkouts_due(*, account: Account, now: datetime, limit: int) -> DueWork:
    """Expire the account's open checkouts whose time is up by its clock (the clock was
    advanced), the first `limit` of them to expire."""
    due, left = due_batch(Checkout.objects.filter(
        account=account, status=CheckoutStatus.OPEN, expires_at__lte=now,
    ).order_by("expires_at", "id").values_list("public_id", flat=True), limit)
    return DueWork({"checkout_sessions_expired": sum(
        checkout_expire_due(checkout_id=checkout_id, account=account) for checkout_id in due)},
        {"checkout_sessions_expired": left})


def _lock(checkout_id: str, account: Account | None) -> Checkout:
    """The checkout row, locked until the caller's transaction ends (404 if not the
    caller's), with its customer, payment and setup."""
    checkouts = Checkout.objects.select_for_update(of=("self",)).select_related(
        "customer", "payment", "setup__card")
    checkout = (checkouts.select_related("account").filter(public_id=checkout_id)
                if account is None else
                checkouts.filter(public_id=checkout_id, account=account)).first()
    if checkout is None:
        raise NotFound("checkout", checkout_id, param="checkout_id")
    if account is not None:
        checkout.account = account  # the caller's instance: no second read of the account
    return checkout
