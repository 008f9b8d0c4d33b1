"""The hosted payment page of a Checkout Session (its `url`): what the customer's browser
shows, a plain server-rendered form (no script, no asset from elsewhere), and what the
customer's card does.

GET shows the line items, the total and the form (or, once the session is complete or
expired, what it is). POST pays (in setup mode, saves the card) with what was typed:
approved, the browser is sent to `success_url` (303, `{CHECKOUT_SESSION_ID}` filled in); a
decline shows the page again with the issuer's message (402) and the session stays open;
what the form refuses is shown at each field (400). The page belongs to Stripe's format:
test scenarios of surface `stripe` shape it (`checkout.complete`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api.stripe.declines import decline_of
from core import clock, context
from core.errors import NotFound, ServiceError
from payments import selectors, services
from payments.api.stripe.checkout_form import PaymentForm
from payments.models import Checkout, CheckoutMode, CheckoutStatus
from payments.money import format_display

TEMPLATE = "checkout/page.html"
AUTHENTICATION_UNSUPPORTED = "This card requires authentication, not yet supported here."


class SeeOther(HttpResponseRedirect):
    status_code = 303  # after a POST, the browser GETs the next page


def page_url(request, checkout: Checkout) -> str:
    """The page's absolute address, on the host the request came to."""
    return request.build_absolute_uri(reverse("stripe-checkout-page",
                                              args=[checkout.public_id]))


def success_location(checkout: Checkout) -> str:
    return checkout.success_url.replace("{CHECKOUT_SESSION_ID}", checkout.public_id)


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_page(request, session_id: str):
    try:
        checkout = selectors.checkout_of_page(checkout_id=session_id)
    except NotFound:
        return render(request, TEMPLATE, {"state": "missing"}, status=404)
    now = clock.now(checkout.account)
    if checkout.status != CheckoutStatus.OPEN or checkout.expires_at <= now:
        return _closed(request, checkout)
    form = PaymentForm(request.POST if request.method == "POST" else None,
                       ask_email=not checkout.given_email, now=now)
    if request.method == "GET":
        return _form_page(request, checkout, form)
    if not form.is_valid():
        return _form_page(request, checkout, form, status=400)
    refusal = authentication_step(request, checkout, form)
    if refusal is not None:
        return refusal
    return _attempt(request, checkout, form)


def authentication_step(request, checkout: Checkout, form: PaymentForm):
    """3-D Secure, the one seam for it: a card whose issuer asks the cardholder to
    authenticate (4000 0025 0000 3155, …) would go through the sandbox's 3-D Secure page and
    come back here. Until that page exists such a card is refused on this page, before
    anything is charged. The response to send instead of paying, or None to pay."""
    if form.cleaned_data["card_number"].authentication:
        return _form_page(request, checkout, form, alert=AUTHENTICATION_UNSUPPORTED,
                          status=402)
    return None


def _attempt(request, checkout: Checkout, form: PaymentForm):
    data = form.cleaned_data
    month, year = data["card_expiry"]
    request_context = context.current()
    if request_context is not None:  # the format whose test scenarios shape the page
        request_context.surface = checkout.origin
    try:
        checkout = services.checkout_complete(
            account=checkout.account, checkout_id=checkout.public_id,
            entry=services.CardEntry(number=data["card_number"].number, exp_month=month,
                                     exp_year=year, name=data["cardholder_name"],
                                     email=data.get("email", "")))
    except ServiceError as error:
        return _form_page(request, checkout, form, alert=error.message, status=400)
    if checkout.status == CheckoutStatus.OPEN:
        attempt = checkout.payment or checkout.setup
        message = decline_of(attempt.failure_reason)[2]
        return _form_page(request, checkout, form, alert=message, status=402)
    return _closed(request, checkout)


def _closed(request, checkout: Checkout):
    """A session that takes no payment: a completed one sends a POST on to its success page
    (a second press of Pay); otherwise the page says what it is."""
    complete = checkout.status == CheckoutStatus.COMPLETE
    if request.method == "POST" and complete and checkout.success_url:
        return SeeOther(success_location(checkout))
    state = "complete" if complete else "expired"
    status = 200 if request.method == "GET" or complete else 409
    return render(request, TEMPLATE, {**_summary(checkout), "state": state,
                                      "success_url": success_location(checkout)},
                  status=status)


def _form_page(request, checkout: Checkout, form: PaymentForm, *, alert: str = "",
               status: int = 200):
    response = render(request, TEMPLATE, {**_summary(checkout), "state": "open", "form": form,
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


def _summary(checkout: Checkout) -> dict:
    """What every state of the page shows of the session."""
    paying = checkout.mode == CheckoutMode.PAYMENT
    return {
        "checkout": checkout, "paying": paying,
        "items": [{"name": item.name, "quantity": item.quantity,
                   "amount": format_display(item.amount_minor, item.currency),
                   "unit": format_display(item.unit_amount_minor, item.currency)}
                  for item in checkout.line_items.all()],
        "total": format_display(checkout.amount_total_minor, checkout.currency)
        if paying else "",
        "email": checkout.given_email,
    }
