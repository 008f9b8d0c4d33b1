"""The hosted payment page of a Checkout Session, as a customer's browser uses it but without
a browser: Django's test Client with CSRF checks on, reading the form's token from the page
it was served, as a browser submits it.

    page = HostedPage(session["url"])
    response = page.pay()                          # 4242 4242 4242 4242: 303 to success_url
    response = page.pay(card_number="4000 0000 0000 0002")   # 402, the page again
"""

import re

from django.test import Client

CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12 / 34", "card_cvc": "123",
        "cardholder_name": "Jenny Rosen"}
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class HostedPage:
    def __init__(self, url: str):
        self.url = url
        self.client = Client(enforce_csrf_checks=True)

    def open(self):
        """GET the page (as following the session's `url`)."""
        return self.client.get(self.url)

    def fill(self, email: str = "jenny@example.com", **fields):
        """Open the page and fill its form: a test card that is approved, unless `fields`
        say otherwise; the email only where the page asks for it. The page opened."""
        page = self.open()
        html = page.content.decode()
        token = _TOKEN.search(html)
        assert token, (page.status_code, html[:500])
        self.form = {"csrfmiddlewaretoken": token.group(1), **CARD, **fields}
        if 'name="email"' in html:
            self.form.setdefault("email", email)
        return page

    def submit(self):
        """Send the form as it was filled (sent once more: a second press of the button, a
        form sent again from the browser's history)."""
        return self.client.post(self.url, self.form)

    def pay(self, email: str = "jenny@example.com", **fields):
        """Fill the form (see `fill`) and submit it."""
        self.fill(email, **fields)
        return self.submit()


def alert_of(response) -> str:
    """The text of the page's `role="alert"` message ('' without one)."""
    found = re.search(r'role="alert"[^>]*>([^<]*)<', response.content.decode())
    return found.group(1).strip() if found else ""
