"""The README's shell blocks, run in the README's order, as written, as one bash script
against a live server (gunicorn on the test database, the demo data loaded).

A block is skipped only when the line right before it is the marker
`<!-- not run by tests/test_readme.py: <why> -->`: the blocks that start the service or the
test suite. Every other ```sh block runs, with the base URL `http://127.0.0.1:8000` replaced
by the live server's.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import Account
from tests.support.live_server import run_gunicorn

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BASE_URL = "http://127.0.0.1:8000"
MARKER = re.compile(r"^<!-- not run by tests/test_readme\.py: \S.* -->$")

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def sh_blocks(text: str) -> list[tuple[bool, str]]:
    """Every ```sh block of `text` in order, with whether the marker skips it."""
    blocks, lines, index = [], text.splitlines(), 0
    while index < len(lines):
        if lines[index] == "```sh":
            end = lines.index("```", index + 1)
            previous = next((line for line in reversed(lines[:index]) if line.strip()), "")
            blocks.append((bool(MARKER.match(previous)), "\n".join(lines[index + 1:end])))
            index = end
        index += 1
    return blocks


def test_the_marker_is_honoured_exactly():
    text = "\n".join([
        "<!-- not run by tests/test_readme.py: starts the service -->", "```sh", "make run",
        "```", "<!-- not run by tests/test_readme.py -->", "```sh", "echo 1", "```",
        "<!-- not run by tests/test_readme.py: x -->", "text between", "```sh", "echo 2", "```",
    ])
    assert sh_blocks(text) == [(True, "make run"), (False, "echo 1"), (False, "echo 2")]


def test_only_the_blocks_that_start_the_service_or_the_suite_are_skipped():
    blocks = sh_blocks(README.read_text())
    skipped = [block for skip, block in blocks if skip]
    assert skipped and all(re.search(r"\bmake (run|test)\b", block) for block in skipped)
    assert all("make " not in block for skip, block in blocks if not skip)


def test_the_readme_runs_as_written(demo):
    blocks = [block for skip, block in sh_blocks(README.read_text()) if not skip]
    with run_gunicorn(workers=2) as server:
        script = "\n".join(blocks).replace(BASE_URL, str(server))
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout.replace("\r", "")
    lines = output.splitlines()
    # The first requests: a payment, its replay, its status.
    assert '"status":"healthy"' in lines[0], output
    assert lines[1:3] == ["HTTP/1.1 201 Created", "Idempotent-Replayed: true"], output
    assert '"status":"completed"' in lines[3], output
    assert lines[4].startswith("['pay_") and lines[4].endswith("']"), output
    # The decline and the cancelled bank transfer.
    assert lines[5:9] == ['"status":"failed"', '"failure_reason":"card_declined"',
                          "HTTP 402", '"status":"cancelled"'], output
    # A partial refund, the rest, and the payment refunded in full.
    assert '"amount":25.00' in lines[9] and '"status":"completed"' in lines[9], output
    assert lines[10] == '"amount":75.00', output
    assert '"status":"refunded"' in lines[11], output
    # Stripe's format, the webhook endpoint (deleted again), and the reset.
    assert lines[12].startswith('"id": "pi_') and lines[13] == '"status": "succeeded"', output
    assert lines[14] == "Request-Id: req_", output
    assert lines[15] == "['payment.completed']", output
    assert '"object":"webhook_endpoint","deleted":true' in lines[16], output
    assert '"message":"All test data has been reset."' in lines[17], output
    assert len(lines) == 18, output
    assert not Account.objects.get(pk=demo.pk).payments.exists()  # the reset ran last
