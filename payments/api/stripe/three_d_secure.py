"""3-D Secure as `/stripe/v1` shows it: an intent's `next_action` while it waits for the
cardholder, its last error once the cardholder failed, a charge's `three_d_secure`, and
what the return URL names (`payment_intent` and its client secret)."""

from api.stripe.declines import card_error_of
from payments.api.stripe.common import client_secret
from payments.models import CardAuthentication, Payment, Setup
from payments.pages.links import authentication_url
from payments.simulator import AUTHENTICATION_FAILED

# The authentication page in the schema: a link in the answers of confirmations (not an
# operation of the API: an HTML page for the customer's browser).
PAGE_NOTE = (
    "A card whose issuer asks for authentication (`pm_card_threeDSecure2Required`, "
    "`pm_card_authenticationRequired`, 4000002500003155, 4000000000003220), confirmed with "
    "the customer present (not `off_session`), leaves the intent `requires_action`: "
    "`next_action.redirect_to_url.url` (with a `return_url`; without one "
    "`next_action.use_stripe_sdk.stripe_js`) links the sandbox's authentication page, "
    "`/authenticate/{id}/`, an HTML page for the customer's browser with the buttons "
    "Complete authentication and Fail authentication; the browser then returns to "
    "`return_url` with `redirect_status`. See docs/stripe.md, 3-D Secure.")
# An intent's kind (Stripe's object name) -> the message of its failed authentication.
FAILED_MESSAGES = {
    "payment_intent": "The provided PaymentMethod has failed authentication. You can provide "
                      "payment_method_data or a new PaymentMethod to attempt to fulfill this "
                      "PaymentIntent again.",
    "setup_intent": "The latest attempt to set up the payment method has failed because "
                    "authentication failed.",
}


def next_action(authentication: CardAuthentication) -> dict:
    """What the client does next: with a return URL, send the browser to the authentication
    page (`redirect_to_url`); without one, what Stripe.js would handle in a modal
    (`use_stripe_sdk`), with the same page inside."""
    url = authentication_url(authentication)
    if authentication.return_url:
        return {"type": "redirect_to_url",
                "redirect_to_url": {"return_url": authentication.return_url, "url": url}}
    return {"type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url,
                               "source": authentication.public_id}}


def last_error(failure_reason: str, kind: str, method: dict | None) -> dict:
    """An intent's last error (`last_payment_error`, `last_setup_error`): a failed
    authentication is an `invalid_request_error` of its own code, anything else the card
    error of its decline; with the payment method whole."""
    if failure_reason == AUTHENTICATION_FAILED:
        code = f"{kind}_authentication_failure"
        error = {"type": "invalid_request_error", "code": code,
                 "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
                 "message": FAILED_MESSAGES[kind]}
    else:
        error = card_error_of(failure_reason)
    if method is not None:
        error["payment_method"] = method
    return error


def three_d_secure(authentication_id: str) -> dict | None:
    """A charge's `payment_method_details.card.three_d_secure`: the challenge the cardholder
    completed before it (None: there was none)."""
    if not authentication_id:
        return None
    return {"authentication_flow": "challenge", "electronic_commerce_indicator": "05",
            "exemption_indicator": None, "result": "authenticated", "result_reason": None,
            "transaction_id": authentication_id, "version": "2.2.0"}


def return_parameters(subject: Payment | Setup) -> dict[str, str]:
    """What Stripe adds to the return URL: the intent and its client secret."""
    kind = "payment_intent" if isinstance(subject, Payment) else "setup_intent"
    return {kind: subject.public_id, f"{kind}_client_secret": client_secret(subject.public_id)}
