"""A customer's browser on the sandbox's pages, without a browser: a `requests` session
that keeps cookies, reads a page's forms and presses their buttons as a browser posts them
(Django's CSRF token included).

    customer = PageVisitor()
    page = customer.open(intent.next_action.redirect_to_url.url)   # 200, the page's HTML
    answer = customer.press("Complete authentication")              # 303 to the return URL
"""

import html
import re

import requests

_FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S)
_INPUT = re.compile(r"<input\b[^>]*\bname=\"([^\"]+)\"[^>]*\bvalue=\"([^\"]*)\"", re.S)
_BUTTON = re.compile(r"<button\b[^>]*>(.*?)</button>", re.S)


class PageVisitor:
    def __init__(self):
        self.session = requests.Session()
        self.url = ""
        self.page = None

    def open(self, url: str) -> requests.Response:
        self.url, self.page = url, self.session.get(url, timeout=10)
        for cookie in self.session.cookies:
            # The test server is http://localhost, which browsers take for a secure context:
            # they send it the cookies marked Secure (the CSRF cookie, in production settings).
            cookie.secure = False
        return self.page

    def press(self, label: str) -> requests.Response:
        """Submit the form of the button labelled `label` on the page last opened (the
        redirect it answers with is not followed)."""
        for form in _FORM.findall(self.page.text):
            labels = [html.unescape(text.strip()) for text in _BUTTON.findall(form)]
            if label in labels:
                fields = {name: html.unescape(value) for name, value in _INPUT.findall(form)}
                return self.session.post(self.url, data=fields, allow_redirects=False,
                                         timeout=10)
        raise AssertionError(f"no button {label!r} on {self.url}: {self.page.text[:500]}")
