"""Cardholder authentications (3-D Secure): the rows that payments and setups wait on.

A confirmation that the card's issuer asks to authenticate, made for a cardholder at a
browser (the caller passes `authenticate_at`: the sandbox's address as that browser reaches
it), does not charge or save the card: it starts an authentication, and its payment or
setup waits in `requires_action` (`payments.services.payments`, `.setups`). The cardholder
completes or fails it on the authentication page (`payments.pages`; the decision is
`payments.services.cardholder.authentication_decide`). A new confirmation, or cancelling,
supersedes the pending one. Here only the rows: made, superseded, decided, inside the
caller's transaction with the payment or setup already locked (payment or setup first, then
its authentication: one lock order everywhere).
"""

from datetime import datetime

from core.ids import id_for
from payments.models import (
    AUTHENTICATION_ID_PREFIX,
    AuthenticationStatus,
    CardAuthentication,
    Payment,
    Setup,
)


def authentication_new(subject: Payment | Setup, *, site_url: str,
                       now: datetime) -> CardAuthentication:
    """A pending authentication of `subject` (unsaved: a new payment is saved after it),
    returning the browser to the subject's `return_url`."""
    return CardAuthentication(
        public_id=id_for("authentication", subject.origin, default=AUTHENTICATION_ID_PREFIX),
        account=subject.account, status=AuthenticationStatus.PENDING,
        return_url=subject.return_url, site_url=site_url.rstrip("/"), created_at=now)


def authentication_supersede(subject: Payment | Setup, now: datetime) -> None:
    """Its pending authentication is replaced (a new confirmation) or moot (cancelled): its
    page says so, and deciding it does nothing."""
    subject.authentications.filter(status=AuthenticationStatus.PENDING).update(
        status=AuthenticationStatus.SUPERSEDED, decided_at=now)
    subject.pending_authentication = None


def authentication_lock(subject: Payment | Setup, authentication_id: str) -> CardAuthentication:
    """The authentication row of `subject`, locked (the caller locked `subject` first)."""
    authentication = (subject.authentications.select_for_update()
                      .get(public_id=authentication_id))
    authentication.account = subject.account
    setattr(authentication, "payment" if isinstance(subject, Payment) else "setup", subject)
    return authentication


def authentication_decided(authentication: CardAuthentication, outcome: str,
                           now: datetime) -> None:
    """Record the cardholder's decision (`completed` or `failed`)."""
    authentication.status, authentication.decided_at = outcome, now
    authentication.save(update_fields=["status", "decided_at"])
