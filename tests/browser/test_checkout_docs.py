"""docs/checkout.md's recipe, run as written against a live server: the back end's session
(the official SDK), the customer's browser paying on the page (Playwright, this machine's
Chromium), and what the back end then reads."""

import contextlib
import io
import re
from pathlib import Path

import pytest
import stripe

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checkout.md"


def block(marker: str) -> str:
    return DOCS.read_text().split(f"<!-- {marker} -->")[1].split("```python")[1].split("```")[0]


def test_the_recipe_runs_as_written(demo, live_server, monkeypatch):
    for name in ("api_key", "api_base"):  # the recipe sets them: put back afterwards
        monkeypatch.setattr(stripe, name, getattr(stripe, name))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, this thread
    recipe = "\n".join(block(marker) for marker in (
        "checkout-python", "checkout-playwright", "checkout-events"))
    recipe = recipe.replace("http://127.0.0.1:8000", live_server.url).replace(
        "playwright.chromium.launch()",
        f"playwright.chromium.launch(executable_path={CHROMIUM!r}, args={CHROMIUM_ARGS!r})")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(recipe, {})  # noqa: S102
    lines = printed.getvalue().splitlines()
    assert lines[0] == "open 4000"
    session_id = re.fullmatch(rf"{live_server.url}/checkout/pay/(cs_test_\w+)", lines[1]).group(1)
    assert lines[2] == f"{live_server.url}/?session_id={session_id}"
    assert lines[3:] == ["complete paid", "succeeded", "order-42"]
