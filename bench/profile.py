"""Where a request's time goes: in-process timings of the hot endpoints, and a pyinstrument
call tree of one of them. Run by `make bench-profile`, inside `scripts/with-postgres
scripts/with-redis`, with the benchmark's production settings and the demo data.

Timings are the best of three rounds of 100 requests each, through Django's full handler
(middleware included) but without gunicorn or HTTP; the ratio to a get is what to watch.
"""

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import DEVDRAFT_PAYMENT, PAYMENT, SERVICE_SETTINGS, STANDARD_KEY  # noqa: E402

os.environ.update(SERVICE_SETTINGS)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

AUTH = {"HTTP_AUTHORIZATION": f"Bearer {STANDARD_KEY}"}
BODY = json.dumps(PAYMENT)
call_command("migrate", verbosity=0)
call_command("seed_demo", stdout=open(os.devnull, "w"))
client = Client(HTTP_HOST="localhost")


def post(**headers):
    response = client.post("/v1/payments", BODY, "application/json", **AUTH, **headers)
    assert response.status_code == 201, response.content
    return response


def create_with_key():
    post(HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def create_without_key():
    post()


payment_id = post().json()["id"]
post(HTTP_IDEMPOTENCY_KEY="profile-replay")


def replay():
    post(HTTP_IDEMPOTENCY_KEY="profile-replay")


def get():
    assert client.get(f"/v1/payments/{payment_id}", **AUTH).status_code == 200


def list_20():
    assert client.get("/v1/payments?per_page=20", **AUTH).status_code == 200


refundable = iter([post().json()["id"] for _ in range(2000)])


def refund():
    response = client.post(f"/v1/payments/{next(refundable)}/refund", '{"amount": 0.01}',
                           "application/json", **AUTH)
    assert response.status_code == 201, response.content


def devdraft_create():
    response = client.post("/api/v0/test-payment", json.dumps(DEVDRAFT_PAYMENT),
                           "application/json", HTTP_X_CLIENT_KEY="demo_client_standard",
                           HTTP_X_CLIENT_SECRET=STANDARD_KEY,
                           HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert response.status_code in (200, 201), response.content


ENDPOINTS = {f.__name__: f for f in (create_with_key, create_without_key, replay, get, list_20,
                                     refund, devdraft_create)}


def best_ms(call, rounds: int = 3, requests: int = 100) -> float:
    best = float("inf")
    for _ in range(rounds):
        for _ in range(10):
            call()
        started = time.perf_counter()
        for _ in range(requests):
            call()
        best = min(best, (time.perf_counter() - started) / requests * 1000)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", choices=ENDPOINTS, default="create_with_key",
                        help="endpoint whose call tree is printed")
    options = parser.parse_args()
    timings = {name: best_ms(call) for name, call in ENDPOINTS.items()}
    for name, ms in timings.items():
        print(f"{name:20s} {ms:6.2f} ms  {ms / timings['get']:4.2f} × get")
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(300):
            ENDPOINTS[options.tree]()
    print(profiler.output_text(color=False, time="percent_of_total"))


if __name__ == "__main__":
    main()
