"""A checkout's payment page (a Checkout Session's `url`): what the customer's browser shows,
a plain server-rendered form (no script, no asset from elsewhere), and what the customer's
card does.

GET shows the line items, the total and the form (or, once the session is complete or
expired, what it is). POST pays (in setup mode, saves the card) with what was typed:
approved, the browser is sent to `success_url` (303, `{CHECKOUT_SESSION_ID}` filled in); a
decline shows the page again with the issuer's message (402) and the session stays open;
what the form refuses is shown at each field (400). A card whose issuer asks the cardholder
to authenticate sends the browser to the authentication page (3-D Secure, `views.py`),
which sends it back to this page's return address: there the session is complete if the
payment went through, or the page says why not. No credentials: the session's id is the
page's unguessable address. Test scenarios of the session's format shape it
(`checkout.complete`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api.stripe.declines import decline_of
from core import clock, context
from core.errors import NotFound, ServiceError
from payments import selectors, services
from payments.models import Checkout, CheckoutMode, CheckoutStatus
from payments.money import format_display
from payments.pages import links
from payments.pages.checkout_form import PaymentForm
from payments.pages.limits import limit_posts
from payments.simulator import AUTHENTICATION_FAILED

TEMPLATE = "pages/checkout.html"
NOT_AUTHENTICATED = "Your card was not authenticated: nothing was charged. Try again, or use " \
                    "another card."


class SeeOther(HttpResponseRedirect):
    status_code = 303  # after a POST, the browser GETs the next page


def success_location(checkout: Checkout) -> str:
    return checkout.success_url.replace("{CHECKOUT_SESSION_ID}", checkout.public_id)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts
def checkout_page(request, session_id: str):
    try:
        checkout = selectors.checkout_of_page(checkout_id=session_id)
    except NotFound:
        return render(request, TEMPLATE, {"state": "missing"}, status=404)
    items = list(checkout.line_items.all())
    now = clock.now(checkout.account)
    if checkout.status != CheckoutStatus.OPEN or checkout.expires_at <= now:
        return _closed(request, checkout, items)
    form = PaymentForm(request.POST if request.method == "POST" else None,
                       ask_email=not checkout.given_email, now=now)
    if request.method != "POST":
        return _form_page(request, checkout, items, form)
    if not form.is_valid():
        return _form_page(request, checkout, items, form, status=400)
    return _attempt(request, checkout, items, form)


@never_cache
@require_GET
def checkout_return(request, session_id: str):
    """Where the authentication page sends the browser back: the session is complete if its
    payment (or setup) went through, and the browser goes on to the success page; otherwise
    the form again, saying why."""
    try:
        checkout = selectors.checkout_of_page(checkout_id=session_id)
        items = list(checkout.line_items.all())
        checkout = services.checkout_sync(account=checkout.account, checkout_id=session_id)
    except NotFound:
        return render(request, TEMPLATE, {"state": "missing"}, status=404)
    if checkout.status != CheckoutStatus.OPEN:
        return _closed(request, checkout, items, redirect=True)
    form = PaymentForm(ask_email=not checkout.given_email, now=clock.now(checkout.account))
    return _form_page(request, checkout, items, form, alert=_refusal(checkout))


def _attempt(request, checkout: Checkout, items: list, form: PaymentForm):
    data = form.cleaned_data
    month, year = data["card_expiry"]
    request_context = context.current()
    if request_context is not None:  # the format whose test scenarios shape the page
        request_context.surface = checkout.origin
    site = links.site_of(request)
    try:
        checkout = services.checkout_complete(
            account=checkout.account, checkout_id=checkout.public_id,
            entry=services.CardEntry(number=data["card_number"].number, exp_month=month,
                                     exp_year=year, name=data["cardholder_name"],
                                     email=data.get("email", "")),
            browser=services.Browser(authenticate_at=site,
                                     return_url=links.checkout_return_url(site, checkout)))
    except ServiceError as error:
        return _form_page(request, checkout, items, form, alert=error.message, status=400)
    if checkout.status != CheckoutStatus.OPEN:
        return _closed(request, checkout, items, redirect=True)
    attempt = checkout.payment or checkout.setup
    if attempt.pending_authentication is not None:  # the issuer asks: 3-D Secure first
        return SeeOther(links.authentication_url(attempt.pending_authentication))
    return _form_page(request, checkout, items, form, alert=_refusal(checkout), status=402)


def _refusal(checkout: Checkout) -> str:
    """Why the last attempt on the open session did not go through ('' if none was made)."""
    attempt = checkout.payment or checkout.setup
    if attempt is None or not attempt.failure_reason:
        return ""
    if attempt.failure_reason == AUTHENTICATION_FAILED:
        return NOT_AUTHENTICATED
    return decline_of(attempt.failure_reason)[2]  # the issuer's words, as Stripe gives them


def _closed(request, checkout: Checkout, items: list, *, redirect: bool = False):
    """A session that takes no payment: a completed one sends a browser that has just paid
    (or sends its form again) on to its success page; otherwise the page says what it
    is."""
    complete = checkout.status == CheckoutStatus.COMPLETE
    if complete and checkout.success_url and (redirect or request.method == "POST"):
        return SeeOther(success_location(checkout))
    state = "complete" if complete else "expired"
    status = 409 if request.method == "POST" and not complete else 200
    return render(request, TEMPLATE, {**_summary(checkout, items), "state": state,
                                      "success_url": success_location(checkout)},
                  status=status)


def _form_page(request, checkout: Checkout, items: list, form: PaymentForm, *,
               alert: str = "", status: int = 200):
    response = render(request, TEMPLATE, {**_summary(checkout, items), "state": "open",
                                          "fields": form.fields_shown(), "alert": alert},
                      status=status)
    # The form posts here, and the answer sends the browser on to the success page: a
    # browser checks that redirect against `form-action` too.
    targets = [CSP.SELF, *([_origin(checkout.success_url)] if checkout.success_url else [])]
    response._csp_config = {**settings.SECURE_CSP, "form-action": targets}
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _summary(checkout: Checkout, items: list) -> dict:
    """What every state of the page shows of the session (`items`: its line items)."""
    paying = checkout.mode == CheckoutMode.PAYMENT
    return {
        "checkout": checkout, "paying": paying, "merchant": checkout.account.name,
        "items": [{"name": item.name, "quantity": item.quantity,
                   "amount": format_display(item.amount_minor, item.currency),
                   "unit": format_display(item.unit_amount_minor, item.currency)}
                  for item in items],
        "total": format_display(checkout.amount_total_minor, checkout.currency)
        if paying else "",
        "email": checkout.given_email,
    }
