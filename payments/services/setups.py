"""Setups: saving a card for a customer, to be charged later (off session by default).

Confirmed, the card is checked (its issuer may decline it: the setup then waits for another
card, with its `failure_reason`) and saved for the setup's customer. Times are the
account's (`core.clock`).
"""

from accounts.models import Account
from core import clock
from core.errors import Declined, InvalidState, NotFound
from core.formats import Format
from core.ids import id_for
from core.metadata import merged_metadata
from core.transactions import service_transaction
from payments import selectors, simulator
from payments.models import SETUP_ID_PREFIX, Setup, SetupStatus, SetupUsage
from payments.services.cards import card_attach_locked, card_saved
from payments.services.locks import customer_lock
from webhooks_app import events
from webhooks_app.services import events_emit

# The statuses a setup can still be confirmed, changed or cancelled in.
OPEN = frozenset({SetupStatus.REQUIRES_PAYMENT_METHOD, SetupStatus.REQUIRES_CONFIRMATION})
_PAST = {"confirm": "confirmed", "update": "updated", "cancel": "cancelled"}


@service_transaction
def setup_create(*, account: Account, customer_id: str = "", method_id: str = "",
                 usage: str = SetupUsage.OFF_SESSION, confirm: bool = False,
                 description: str = "", metadata: dict | None = None, return_url: str = "",
                 format_fields: dict | None = None, origin: str = Format.V1) -> Setup:
    """A setup for the customer (optional: a setup without one checks the card and saves
    it for no one), with the method to save if one is given; with `confirm`, confirmed at
    once (see `setup_confirm`)."""
    customer = customer_lock(account, customer_id, param="customer_id") if customer_id else None
    if method_id:
        selectors.method_get(account=account, method_id=method_id)
    now = clock.now(account)
    setup = Setup(
        public_id=id_for("setup", origin, default=SETUP_ID_PREFIX), account=account,
        origin=origin, customer=customer, method_id=method_id, usage=usage,
        status=SetupStatus.REQUIRES_CONFIRMATION if method_id
        else SetupStatus.REQUIRES_PAYMENT_METHOD, description=description,
        metadata=metadata or {}, return_url=return_url, format_fields=format_fields or {},
        created_at=now, updated_at=now)
    setup.save(force_insert=True)
    _emit(setup, events.SETUP_CREATED)
    if confirm:
        _confirm_locked(setup, method_id)
    return setup


@service_transaction
def setup_confirm(*, account: Account, setup_id: str, method_id: str = "",
                  return_url: str | None = None) -> Setup:
    """Save the card `method_id` names (or the setup's own): `succeeded`, the card attached
    to the setup's customer; a decline leaves it `requires_payment_method` with its
    `failure_reason`. InvalidState once succeeded or cancelled, or without a method (code
    `payment_method_missing`)."""
    setup = _setup_lock(account, setup_id)
    if return_url is not None:
        setup.return_url = return_url
    _confirm_locked(setup, method_id)
    return setup


def _confirm_locked(setup: Setup, method_id: str) -> None:
    _require_open(setup, "confirm")
    method_id = method_id or ("" if setup.failure_reason else setup.method_id)
    if not method_id:
        raise InvalidState(f"Setup '{setup.public_id}' cannot be confirmed without a payment "
                           "method: give one.", code="payment_method_missing", subject=setup,
                           action="confirm")
    account = setup.account
    method = selectors.method_get(account=account, method_id=method_id)
    setup.method_id, setup.updated_at = method_id, clock.now(account)
    try:
        setup.card = (card_attach_locked(account, method, setup.customer, origin=setup.origin)
                      if setup.customer else _checked(account, method, setup.origin))
    except Declined as declined:
        setup.status, setup.failure_reason = SetupStatus.REQUIRES_PAYMENT_METHOD, declined.code
        setup.save()
        _emit(setup, events.SETUP_FAILED)
        return
    setup.status, setup.failure_reason = SetupStatus.SUCCEEDED, ""
    setup.save()
    _emit(setup, events.SETUP_SUCCEEDED)


def _checked(account: Account, method, origin: str):
    """The card saved for no one (a setup without a customer), once its issuer agrees."""
    reason = simulator.setup_decline_reason(method.card) if method.card else ""
    if reason:
        raise Declined("Your card was declined.", code=reason)
    return card_saved(account, method, origin=origin)


@service_transaction
def setup_update(*, account: Account, setup_id: str, customer_id: str | None = None,
                 method_id: str | None = None, description: str | None = None,
                 metadata: dict | None = None, format_fields: dict | None = None) -> Setup:
    """Change what is given (None: unchanged) of a setup not yet succeeded or cancelled;
    `metadata` is merged. A new method forgets the last decline."""
    setup = _setup_lock(account, setup_id)
    _require_open(setup, "update")
    if customer_id is not None:
        setup.customer = (customer_lock(account, customer_id, param="customer_id")
                          if customer_id else None)
    if method_id is not None:
        if method_id:
            selectors.method_get(account=account, method_id=method_id)
        setup.method_id, setup.failure_reason = method_id, ""
        setup.status = (SetupStatus.REQUIRES_CONFIRMATION if method_id
                        else SetupStatus.REQUIRES_PAYMENT_METHOD)
    if description is not None:
        setup.description = description
    if metadata is not None:
        setup.metadata = merged_metadata(setup.metadata, metadata)
    if format_fields:
        setup.format_fields = {**setup.format_fields, **format_fields}
    setup.updated_at = clock.now(account)
    setup.save()
    return setup


@service_transaction
def setup_cancel(*, account: Account, setup_id: str, reason: str = "") -> Setup:
    setup = _setup_lock(account, setup_id)
    _require_open(setup, "cancel")
    setup.status, setup.cancellation_reason = SetupStatus.CANCELED, reason
    setup.updated_at = clock.now(account)
    setup.save()
    _emit(setup, events.SETUP_CANCELLED)
    return setup


def _require_open(setup: Setup, action: str) -> None:
    if setup.status not in OPEN:
        raise InvalidState(f"Setup '{setup.public_id}' cannot be {_PAST[action]}. Current "
                           f"status: '{setup.status}'.", subject=setup, action=action)


def _setup_lock(account: Account, setup_id: str) -> Setup:
    setup = (Setup.objects.select_for_update(of=("self",)).select_related("customer", "card")
             .filter(account=account, public_id=setup_id).first())
    if setup is None:
        raise NotFound("setup", setup_id, param="setup_id")
    setup.account = account
    return setup


def _emit(setup: Setup, event_type: str) -> None:
    events_emit(account=setup.account, events=[(event_type, setup)])
