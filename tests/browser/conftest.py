"""The browser tests' page: Playwright's Chromium (tests/support/browser.py) against
pytest-django's live server."""

import shutil

import pytest
from django.db import connections

from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, playwright


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath) and not shutil.which(CHROMIUM):
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      base_url=live_server.url)
        yield context.new_page()
        browser.close()
        # ORM calls made while Playwright's loop runs get connections of their own context;
        # close them here, or the test database cannot be dropped at the end.
        connections.close_all()
