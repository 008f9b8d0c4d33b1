"""The authentication page (3-D Secure): where a customer's browser is sent when the card's
issuer asks the cardholder to authenticate a payment or the saving of a card.

Like Stripe's test page, it stands in for the issuer's: it shows the merchant, the amount
and the card, and two buttons, Complete authentication and Fail authentication (a POST
form each, with Django's CSRF protection). The decision goes through
`payments.services.authentication_decide`; the browser then goes back to the return URL
(303), or, without one, is told it can close the window. A decided or superseded
authentication shows what became of it; posting again changes nothing and answers as the
first decision did. No credentials: the authentication's id is the page's unguessable
address.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import NotFound
from payments import selectors, services
from payments.models import AuthenticationStatus, CardAuthentication
from payments.money import format_display
from payments.pages import links
from payments.pages.limits import limit_posts

# The buttons' values, and the decision each one makes.
OUTCOMES = {"complete": AuthenticationStatus.COMPLETED, "fail": AuthenticationStatus.FAILED}
DECIDED = frozenset(OUTCOMES.values())


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def authentication_page(request, authentication_id: str):
    outcome = OUTCOMES.get(request.POST.get("outcome", ""))
    try:
        if request.method != "POST" or outcome is None:
            authentication = selectors.authentication_get(authentication_id=authentication_id)
            if request.method != "POST":
                return _page(request, authentication)
            return _page(request, authentication, status=400,
                         error="Choose Complete authentication or Fail authentication.")
        authentication = services.authentication_decide(authentication_id=authentication_id,
                                                        outcome=outcome)
    except NotFound:  # an unknown id (or one a test-data reset removed meanwhile)
        return render(request, "pages/authentication_missing.html", status=404)
    if authentication.status in DECIDED and authentication.return_url:
        return HttpResponseRedirect(_back(authentication), status=303)
    superseded = authentication.status == AuthenticationStatus.SUPERSEDED
    return _page(request, authentication, status=409 if superseded else 200)


def _page(request, authentication: CardAuthentication, *, status: int = 200, error: str = ""):
    payment, setup = authentication.payment, authentication.setup
    method_id = payment.payment_method_id if payment else setup.method_id
    context = {
        "authentication": authentication,
        "merchant": authentication.account.name,
        "payment": payment,
        "amount": format_display(payment.amount_minor, payment.currency) if payment else "",
        "card": _card_label(authentication, method_id),
        "went_through": selectors.authentication_went_through(authentication),
        "back": _back(authentication) if authentication.status in DECIDED
        and authentication.return_url else "",
        "error": error,
    }
    response = render(request, "pages/authentication.html", context, status=status)
    if authentication.return_url:  # the forms' redirect goes there: allowed as their action
        origin = urlsplit(authentication.return_url)
        response._csp_config = {**settings.SECURE_CSP, "form-action": [
            CSP.SELF, f"{origin.scheme}://{origin.netloc}"]}
    return response


def _back(authentication: CardAuthentication) -> str:
    return links.return_url(
        authentication, went_through=selectors.authentication_went_through(authentication))


def _card_label(authentication: CardAuthentication, method_id: str) -> str:
    """The card as the cardholder knows it: brand and last four digits."""
    method = selectors.method_get(account=authentication.account, method_id=method_id)
    card = method.saved or method.card
    return f"{card.brand.title()} ending in {card.last4}" if card is not None else ""
