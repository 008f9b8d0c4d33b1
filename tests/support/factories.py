"""Test data through the services, as the application makes it: each factory is a thin call
of the service that owns the object, with defaults a test need not spell out and keyword
overrides for what it is about.

    payment = make_payment(account)  # 100.00 USD by card: completed
    pending = make_payment(account, payment_method="bank_transfer")
    refund = make_refund(payment, amount_minor=2500)
    intent = make_stripe_payment(account)  # requires_confirmation, pm_card_visa attached
    checkout = make_checkout(account)  # open: 2 × 20.00 USD, paid on its hosted page

Services, not the ORM: the objects get their ids, times, status transitions, events and
account flags exactly as in production.
"""

import uuid
from decimal import Decimal
from typing import NamedTuple

from accounts.models import Account, ApiKey
from accounts.scopes import ALL as ALL_SCOPES
from accounts.services import account_create, api_key_create
from core.formats import Format
from payments.models import CaptureMethod, Checkout, Customer, Payment
from payments.services import (
    LineItem,
    checkout_create,
    customer_create,
    payment_create,
    payment_open,
)
from refunds.models import Refund
from refunds.services import refund_create
from webhooks_app.models import WebhookEndpoint
from webhooks_app.services import endpoint_create


def make_account(name: str = "Other account", **overrides) -> Account:
    """A fresh account (no keys, no data); `public_id` may be given."""
    return account_create(name=name, **overrides)


class IssuedKey(NamedTuple):
    key: ApiKey
    secret: str  # the only copy: the key stores a hash


def make_api_key(account: Account, scopes: list[str] | tuple[str, ...] = ALL_SCOPES, *,
                 name: str = "Test key", **overrides) -> IssuedKey:
    """An active key of `account` with `scopes` (every scope by default), and its secret
    (`client_for(make_api_key(account).secret)` is a client holding it)."""
    key, secret = api_key_create(account=account, name=name, scopes=list(scopes), **overrides)
    return IssuedKey(key, secret)


def make_payment(account: Account, amount_minor: int = 10000, currency: str = "USD",
                 **overrides) -> Payment:
    """A payment made through `/v1`'s service (`payment_create`): a card payment settles at
    once (`completed`); `payment_method="bank_transfer"` or `"crypto"` stays `pending`; the
    amount triggers and `pm_test_*` methods decline (`failed`)."""
    fields = {"description": "Test payment", "customer_email": "customer@example.com",
              **overrides}
    return payment_create(account=account, amount_minor=amount_minor, currency=currency,
                          **fields)


def make_stripe_payment(account: Account, amount_minor: int = 10000, currency: str = "USD",
                        **overrides) -> Payment:
    """A PaymentIntent: a payment opened through Stripe (`payment_open`, `pi_` id) to be
    confirmed later, `requires_confirmation` with `pm_card_visa` attached. `confirm=True`
    confirms it at once (with `capture_method="manual"`: authorized, not captured);
    `payment_method_id=""` leaves it without a method."""
    fields = {"payment_method_id": "pm_card_visa", "origin": Format.STRIPE, **overrides}
    return payment_open(account=account, amount_minor=amount_minor, currency=currency,
                        **fields)


def make_authorized_payment(account: Account, amount_minor: int = 10000,
                            currency: str = "USD", **overrides) -> Payment:
    """A Stripe payment confirmed with manual capture: `authorized`, to be captured within
    7 days of the account's clock."""
    return make_stripe_payment(account, amount_minor, currency,
                               **{"confirm": True, "capture_method": CaptureMethod.MANUAL,
                                  **overrides})


def make_refund(payment: Payment, amount_minor: int | None = None, *,
                amount: Decimal | None = None, **overrides) -> Refund:
    """A refund of `payment` (of what is left of it, without an amount) by its own account,
    or by `account=` to try another's."""
    account = overrides.pop("account", None) or payment.account
    return refund_create(account=account, payment_id=payment.public_id,
                         amount_minor=amount_minor, amount=amount, **overrides)


def make_endpoint(account: Account, url: str | None = None,
                  events: list[str] | tuple[str, ...] = ("*",), *, format: str = Format.V1,
                  **overrides) -> WebhookEndpoint:
    """A webhook endpoint of `format` (`"v1"` or `"stripe"`: which events it receives and
    how they are signed), subscribed to every event of its format by default; on a URL of
    its own unless `url` is given (an account has one endpoint per URL)."""
    url = url or f"https://example.com/hooks/{uuid.uuid4().hex[:12]}"
    return endpoint_create(account=account, url=url, events=list(events), format=format,
                           **overrides)


def make_customer(account: Account, email: str = "jenny.rosen@example.com",
                  name: str = "Jenny Rosen", **overrides) -> Customer:
    """A customer (Stripe's `cus_` object) of `account`."""
    return customer_create(account=account, email=email, name=name, **overrides)


def make_checkout(account: Account, mode: str = "payment", **overrides) -> Checkout:
    """An open Checkout Session made through Stripe (`cs_test_` id): in payment mode two
    T-shirts at 20.00 USD; in setup mode (`mode="setup"`) a card to save, in USD."""
    fields = {"origin": Format.STRIPE, "success_url": "https://shop.example/done",
              "cancel_url": "https://shop.example/cart", **overrides}
    if mode == "payment":
        fields.setdefault("line_items", [LineItem("T-shirt", 2000, 2, "USD")])
    else:
        fields.setdefault("currency", "USD")
    return checkout_create(account=account, mode=mode, **fields)
