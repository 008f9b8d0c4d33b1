"""What the cardholder does on the authentication page: complete or fail the authentication
(3-D Secure) that a payment or a setup waits for (`payments.services.authentications`)."""

from core.errors import UnprocessableRequest
from core.transactions import service_transaction
from payments import selectors
from payments.models import AuthenticationStatus, CardAuthentication
from payments.services.authentications import authentication_lock
from payments.services.payments import payment_authenticated, payment_lock
from payments.services.setups import setup_authenticated, setup_lock

OUTCOMES = frozenset({AuthenticationStatus.COMPLETED, AuthenticationStatus.FAILED})


@service_transaction
def authentication_decide(*, authentication_id: str, outcome: str) -> CardAuthentication:
    """The cardholder completes (`outcome="completed"`) or fails (`"failed"`) a pending
    authentication. Completed, its payment is charged (succeeded, authorized for a manual
    capture, or declined by the issuer after all) or its setup's card saved; failed, the
    payment or setup waits for another payment method, failure reason
    `authentication_failed`. `selectors.authentication_went_through` then says which.

    Deciding is done once: an authentication already completed, failed or superseded is
    returned as it is, and nothing changes (a second POST of the page; of two at once, the
    second waits for the first: the payment or setup row is locked first, then the
    authentication, as confirmations lock them). NotFound for an unknown id."""
    if outcome not in OUTCOMES:
        raise UnprocessableRequest(f"Unknown outcome '{outcome}': completed or failed.",
                                   param="outcome")
    found = selectors.authentication_get(authentication_id=authentication_id)
    if found.status != AuthenticationStatus.PENDING:
        return found
    if found.payment is not None:
        subject, decide = (payment_lock(payment_id=found.payment.public_id,
                                        account=found.account), payment_authenticated)
    else:
        subject, decide = setup_lock(found.account, found.setup.public_id), setup_authenticated
    authentication = authentication_lock(subject, authentication_id)
    if authentication.status == AuthenticationStatus.PENDING:
        decide(subject, authentication, outcome)
    return authentication
