"""What the Stripe benchmarks need: intents waiting for confirmation, authorized ones waiting
for capture and open checkout sessions waiting to be paid on their hosted page, each taken
by one request; the bodies of those requests, and the search they run (`SEARCH`).

`prepare()` is called by bench/run.py (which does not load Django itself); it runs this file
with the service's environment. The intents are inserted in bulk, as the services would leave
them (an authorized one with its approved, uncaptured charge): making tens of thousands
through the API would take minutes. bench/lua/once.lua sends each path once, every wrk run
(warm-up included) taking its own block of `per_thread` paths per wrk thread.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
# Creating a session as an SDK does (a form in bracket notation): one item, two of it.
CHECKOUT_FORM = urlencode({
    "mode": "payment", "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": 2000,
    "line_items[0][price_data][product_data][name]": "Benchmark T-shirt",
    "line_items[0][quantity]": 2, "success_url": "https://shop.example/done",
    "cancel_url": "https://shop.example/cart"})
# Paying on the hosted page as a browser posts its form: Django's CSRF check takes the
# cookie's secret as the form's token too (unmasked), so one pair serves every request.
CSRF_SECRET = "benchmarkcsrfsecret0123456789abc"
CHECKOUT_PAY_FORM = urlencode({
    "csrfmiddlewaretoken": CSRF_SECRET, "email": "bench@example.com",
    "card_number": "4242 4242 4242 4242", "card_expiry": "12 / 34", "card_cvc": "123",
    "cardholder_name": "Bench Customer"})
CSRF_COOKIE = f"Cookie: csrftoken={CSRF_SECRET}"
# The Stripe search benchmarked (and its queries counted, bench/count_queries.py): a page of
# the succeeded intents of at least 10.00, as a dashboard's search of the demo account asks.
SEARCH = ("/stripe/v1/payment_intents/search?query="
          + quote("status:'succeeded' amount>=1000") + "&limit=10")
# An upper bound of a confirmation's req/s on the bench machine (wrk's threads together); a
# run faster than this would confirm intents twice and show non-2xx responses.
MAX_RATE = 1500


def prepare(env: dict, directory: Path, *, seconds: int, runs: int = 2,
            threads: int = 2) -> dict:
    """Intents and sessions for `runs` wrk runs of at most `seconds` each, of each kind.
    Returns the wrk arguments of once.lua for each: {"confirm_args", "capture_args",
    "checkout_pay_args"} (before the headers)."""
    per_thread = math.ceil(MAX_RATE * seconds / threads)
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), str(directory), str(per_thread * threads * runs),
         str(per_thread)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def _make(directory: Path, count: int, per_thread: int) -> dict:
    """In the service's environment: `count` intents of each kind, in the database and on
    file."""
    from datetime import timedelta

    import django

    django.setup()
    from django.utils import timezone

    from accounts.demo import DEMO_ACCOUNT_ID
    from accounts.models import Account
    from core.ids import new_id
    from payments.models import (
        Charge,
        ChargeStatus,
        Checkout,
        CheckoutLineItem,
        Payment,
        PaymentStatus,
    )

    account = Account.objects.get(public_id=DEMO_ACCOUNT_ID)
    now = timezone.now()

    def intent(**fields) -> Payment:
        return Payment(public_id=new_id("pi"), account=account, origin="stripe",
                       amount_minor=4999, currency="USD", created_at=now, updated_at=now,
                       **fields)

    waiting = Payment.objects.bulk_create(
        [intent(status=PaymentStatus.REQUIRES_CONFIRMATION) for _ in range(count)],
        batch_size=2000)
    held = [intent(status=PaymentStatus.AUTHORIZED, capture_method="manual",
                   payment_method_id="pm_card_visa", capture_before=now + timedelta(days=7),
                   latest_charge_id=new_id("ch")) for _ in range(count)]
    Payment.objects.bulk_create(held, batch_size=2000)
    Charge.objects.bulk_create([
        Charge(public_id=payment.latest_charge_id, account=account, payment=payment,
               amount_minor=4999, currency="USD", status=ChargeStatus.SUCCEEDED,
               method_id="pm_card_visa", created_at=now) for payment in held],
        batch_size=2000)

    sessions = Checkout.objects.bulk_create([
        Checkout(public_id=new_id("cs_test"), account=account, origin="stripe",
                 mode="payment", payment_status="unpaid", currency="USD",
                 amount_subtotal_minor=4999, amount_total_minor=4999,
                 success_url="https://shop.example/done", expires_at=now + timedelta(days=1),
                 created_at=now, updated_at=now) for _ in range(count)], batch_size=2000)
    CheckoutLineItem.objects.bulk_create([
        CheckoutLineItem(checkout=session, name="Benchmark T-shirt", unit_amount_minor=4999,
                         quantity=1, currency="USD", created_at=now) for session in sessions],
        batch_size=2000)

    directory.mkdir(parents=True, exist_ok=True)
    paths = {"confirm": [f"/stripe/v1/payment_intents/{p.public_id}/confirm" for p in waiting],
             "capture": [f"/stripe/v1/payment_intents/{p.public_id}/capture" for p in held],
             "checkout-pay": [f"/checkout/pay/{c.public_id}" for c in sessions]}
    files = {}
    for name, lines in paths.items():
        path = directory / f"stripe-{name}.txt"
        path.write_text("".join(f"{line}\n" for line in lines))
        Path(f"{path}.cursor").unlink(missing_ok=True)  # once.lua's: start afresh
        files[name] = str(path)
    return {"confirm_args": [files["confirm"], str(per_thread), "payment_method=pm_card_visa"],
            "capture_args": [files["capture"], str(per_thread), ""],
            "checkout_pay_args": [files["checkout-pay"], str(per_thread), CHECKOUT_PAY_FORM,
                                  CSRF_COOKIE]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    directory, count, per_thread = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(_make(directory, count, per_thread)))
