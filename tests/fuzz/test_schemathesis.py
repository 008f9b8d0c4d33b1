"""Schema-driven fuzzing: schemathesis against a live server on PostgreSQL, every operation.

The server's own schema is the contract, and every check runs: server errors, undocumented
status codes, wrong content types, missing headers, bodies that do not match the schema,
schema-valid requests refused and schema-violating ones accepted all fail the run. The few
answers a valid request can rightly get beyond the defaults are named, with their reasons,
in `schemathesis.toml` beside this file.

Each run draws a fresh seed (so that runs together cover more than one), prints it and
names it in a failure; `FUZZ_SEED=<seed>` draws the same data again to replay it (what two
workers interleave, and so the server's state, can still differ). The example budget is
fixed so the run fits in CI.
"""

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.support.credentials import ADMIN_KEY
from tests.support.live_server import run_gunicorn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.live,
    pytest.mark.fuzz,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

CONFIG = Path(__file__).with_name("schemathesis.toml")  # the named exceptions, with reasons
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "30")


def fuzz_seed() -> str:
    """`FUZZ_SEED` if set (a replay), else a fresh one."""
    return os.environ.get("FUZZ_SEED") or str(random.SystemRandom().randrange(2**32))


def test_every_operation_survives_schemathesis(demo, capsys):
    seed = fuzz_seed()
    replay = f"replay with FUZZ_SEED={seed}"
    with capsys.disabled():  # shown however pytest is run, before the minutes it takes
        print(f"\nschemathesis seed {seed} ({replay})", flush=True)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with run_gunicorn(workers=4) as server:
        result = subprocess.run(
            [str(schemathesis), "--config-file", str(CONFIG), "run", f"{server}/api/schema/",
             "--checks", "all",
             "--seed", seed, "--max-examples", MAX_EXAMPLES, "--workers", "2",
             "--no-color", "--request-timeout", "20",
             # Each surface reads its own credential headers; all carry the admin demo key.
             "-H", f"Authorization: Bearer {ADMIN_KEY}",
             "-H", "x-client-key: demo_client_admin", "-H", f"x-client-secret: {ADMIN_KEY}",
             "-H", "x-client-id: demo_client_admin", "-H", f"x-auth-token: {ADMIN_KEY}"],
            capture_output=True, text=True, timeout=900,
        )
    summary = result.stdout[result.stdout.find("SUMMARY"):]
    with capsys.disabled():
        print(summary, flush=True)
    assert result.returncode == 0, (
        f"seed {seed} ({replay})\n" + result.stdout[-20000:] + result.stderr[-5000:])
    generated = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert generated and generated.group(1) == generated.group(2), f"seed {seed} ({replay})"
    assert re.search(r"Tested: (\d+)", summary), f"seed {seed} ({replay})"
