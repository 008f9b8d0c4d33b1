"""Playwright driving Debian's Chromium, headless: where it is, how it is started, the
screenshots the browser tests leave in `test-artifacts/browser/` (`make test` lists them at
the end) and the accessibility check of a page (axe-core). The `page` fixture is in
tests/browser/conftest.py."""

import os
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Reported by the page itself (the event) and by Chromium's console ("Refused to ...
# because it violates the following Content Security Policy directive").
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) =>
    console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
"""


def watch(page) -> list[str]:
    """Every CSP violation and script error of the pages this page visits from now on."""
    problems = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def shot(page, name: str, element=None) -> Path:
    """A full-page screenshot, or one of `element` (a locator) alone."""
    path = ARTIFACTS / f"{name}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def axe_violations(page, name: str) -> list[dict]:
    """axe-core's violations on the page as it is now (each `{id, impact, help, nodes}`),
    their count printed under `name`. axe's source is run through the browser's DevTools
    protocol: as a `<script>` tag (`page.add_script_tag`) the page's own
    Content-Security-Policy (`script-src 'self'`), which the tests keep, would refuse it."""
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    violations = page.evaluate("""async () => (await axe.run()).violations.map(v => (
        {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}
    ))""")
    print(f"axe {name}: {len(violations)} violations "
          f"{[(v['id'], v['impact']) for v in violations]}")
    return violations


def serious(violations: list[dict]) -> list[dict]:
    """The violations axe rates serious or critical."""
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def record_hosts(page, live_url):
    """Requests for anything not on our own server that were not stopped by the page's
    Content-Security-Policy before leaving the browser."""
    own = (live_url, "data:", f"blob:{live_url}")
    escaped = []
    page.on("requestfinished", lambda request: None if request.url.startswith(own)
            else escaped.append(request.url))
    page.on("requestfailed", lambda request: None if request.url.startswith(own)
            or request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP")
            else escaped.append(f"{request.url} ({request.failure})"))
    return escaped
