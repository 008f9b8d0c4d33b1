"""What the OAuth token benchmarks need: a confidential client, and single-use authorization
codes with PKCE for the code exchange.

`prepare()` is called by bench/run.py (which does not load Django itself); it runs this file
with the service's environment. The client and codes are made as the service makes them
(`oauth_client_create`, `new_authorization_code`, S256 challenges, hashed codes), but the
codes are inserted in bulk: minting tens of thousands through `/v1/oauth/authorize` would
take minutes. Codes live `OAUTH_CODE_TTL` (600 s) from here, so call `prepare()` shortly
before the token runs.

Each line of the codes file is a whole form body (code, its PKCE verifier, redirect URI);
bench/lua/token_authorization_code.lua sends each line once. A code is single use, so every
wrk run takes its own block of `per_thread` lines per wrk thread (see that script): mint for
every run, warm-up included.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "bench_app"
REDIRECT_URI = "https://bench.example/callback"
SCOPES = ("payments:read", "payments:write")
# An upper bound of the code exchange's req/s on the bench machine (wrk's threads together);
# a run faster than this would reuse codes and show non-2xx responses.
MAX_RATE = 2000


def prepare(env: dict, directory: Path, *, seconds: int, runs: int = 2, threads: int = 2,
            max_rate: int = MAX_RATE) -> dict:
    """Create the client and enough codes for `runs` wrk runs of at most `seconds` each.

    Returns the wrk arguments of both Lua scripts (header lines, file paths) and the
    client's credentials: {"client_id", "client_secret", "auth_header",
    "client_credentials_args", "authorization_code_args", "codes"}.
    """
    per_thread = math.ceil(max_rate * seconds / threads)
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), str(directory), str(per_thread * threads * runs),
         str(per_thread)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def _mint(directory: Path, codes: int, per_thread: int) -> dict:
    """In the service's environment: the client, `codes` codes in the database and on file."""
    import base64
    import hashlib
    import secrets
    from datetime import timedelta
    from urllib.parse import urlencode

    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from accounts.demo import DEMO_ACCOUNT_ID
    from accounts.models import Account, hash_secret
    from oauth_app import services
    from oauth_app.models import OAuthClient, OAuthGrant
    from oauth_app.oauth import new_authorization_code

    client = OAuthClient.objects.filter(client_id=CLIENT_ID).first()
    if client is None:
        secret = services.new_client_secret()
        client = services.oauth_client_create(
            account=Account.objects.get(public_id=DEMO_ACCOUNT_ID), client_id=CLIENT_ID,
            name="Benchmark", secret=secret, redirect_uris=[REDIRECT_URI], scopes=list(SCOPES),
            require_pkce=True,
        )
    else:  # a second run on the same database
        secret = services.oauth_client_rotate_secret(client=client)

    expires_at = timezone.now() + settings.OAUTH_CODE_TTL - timedelta(seconds=5)
    bodies, grants = [], []
    for _ in range(codes):
        code, verifier = new_authorization_code(), secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        grants.append(OAuthGrant(
            client=client, code_hash=hash_secret(code), redirect_uri=REDIRECT_URI,
            scopes=list(SCOPES), code_challenge=challenge, code_challenge_method="S256",
            expires_at=expires_at,
        ))
        bodies.append(urlencode({"grant_type": "authorization_code", "code": code,
                                 "code_verifier": verifier, "redirect_uri": REDIRECT_URI}))
    OAuthGrant.objects.bulk_create(grants, batch_size=2000)

    directory.mkdir(parents=True, exist_ok=True)
    codes_file = directory / "oauth-codes.txt"
    codes_file.write_text("".join(f"{body}\n" for body in bodies))
    Path(f"{codes_file}.cursor").unlink(missing_ok=True)  # the Lua script's: start afresh
    credentials = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
    auth_header = f"Authorization: Basic {credentials}"
    return {
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "auth_header": auth_header,
        "codes": str(codes_file),
        "expires_at": expires_at.isoformat(),
        # token_client_credentials.lua: <header lines...>
        "client_credentials_args": [auth_header],
        # token_authorization_code.lua: <codes file> <codes per thread per run> <headers...>
        "authorization_code_args": [str(codes_file), str(per_thread), auth_header],
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    directory, codes, per_thread = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(_mint(directory, codes, per_thread)))
