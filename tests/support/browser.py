"""Playwright driving Debian's Chromium, headless: where it is, how it is started, and the
screenshots the browser tests leave in `test-artifacts/browser/` (`make test` lists them at
the end). The `page` fixture is in tests/browser/conftest.py."""

import os
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def shot(page, name: str, element=None) -> Path:
    """A full-page screenshot, or one of `element` (a locator) alone."""
    path = ARTIFACTS / f"{name}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
