"""The addresses of the customers' pages (the authentication page, a checkout's payment
page): where the sandbox serves them, and where the browser goes back to.

A page is served at the address the API call that started it reached the sandbox at (the
confirmation's scheme, host and port, kept on the authentication as `site_url`): the
address an integration's own browser reaches the sandbox at too. Nothing here knows a wire
format; a format that names its objects in the return URL registers how
(`RETURN_PARAMETERS`, from its app's `AppConfig.ready`).
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.urls import reverse

from payments.models import CardAuthentication, Checkout, Payment, Setup

# origin format -> (the payment or setup -> the query parameters naming it in a return URL).
RETURN_PARAMETERS: dict[str, Callable[[Payment | Setup], dict[str, str]]] = {}


def site_of(request) -> str:
    """The sandbox's root URL as `request` reached it (no trailing slash)."""
    return request.build_absolute_uri("/").rstrip("/")


def checkout_url(site: str, checkout: Checkout) -> str:
    """A checkout's payment page, on the sandbox at `site` (`site_of` the API call that
    shows it: an integration sends its customers where it reaches the sandbox)."""
    return site + reverse("checkout-page", args=[checkout.public_id])


def checkout_return_url(site: str, checkout: Checkout) -> str:
    """Where the authentication page sends the browser back to, for a checkout's payment."""
    return site + reverse("checkout-return", args=[checkout.public_id])


def authentication_url(authentication: CardAuthentication) -> str:
    """The authentication page's address (its id is the unguessable part)."""
    return authentication.site_url + reverse("authentication-page",
                                             args=[authentication.public_id])


def return_url(authentication: CardAuthentication, *, went_through: bool) -> str:
    """Where the browser goes once the authentication is decided: its `return_url`, with
    the parameters the object's format adds and `redirect_status` (`succeeded` or
    `failed`) after the query it has."""
    subject = authentication.payment or authentication.setup
    parameters = dict(RETURN_PARAMETERS[subject.origin](subject)
                      if subject.origin in RETURN_PARAMETERS else {})
    parameters["redirect_status"] = "succeeded" if went_through else "failed"
    parts = urlsplit(authentication.return_url)
    added = urlencode(parameters)
    return urlunsplit(parts._replace(query=f"{parts.query}&{added}" if parts.query else added))
