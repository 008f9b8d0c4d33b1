"""docs/oauth.md's OAuth2 round trip, run as written (bash + curl) against a live server."""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
]


def test_the_docs_round_trip_works(live_server, demo, tmp_path):
    docs = (Path(__file__).parents[2] / "docs" / "oauth.md").read_text()
    script = docs.split("<!-- oauth-round-trip -->")[1].split("```sh")[1].split("```")[0]
    script = script.replace("B=http://127.0.0.1:8000", f"B={live_server.url}")
    script = script.replace("/tmp/", f"{tmp_path}/")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert '"authorization_code":"authcode_' in output
    assert '"token_type": "Bearer"' in output
    assert '"active": true' in output
    assert output.rstrip().endswith('"This access token has been revoked.","status":401}}')
