"""The account's sandbox controls as `/v1/test` shows them."""

from decimal import Decimal

from accounts.models import Account, Scenario
from core import clock
from core.clock import iso


def scenario_to_v1(scenario: Scenario) -> dict:
    match = dict(scenario.match)
    if "amount" in match:
        match["amount"] = Decimal(match["amount"])  # stored as text: JSON has no decimals
    return {
        "id": scenario.public_id,
        "object": "scenario",
        "operation": scenario.operation,
        "outcome": scenario.outcome,
        "decline_code": scenario.decline_code or None,
        "delay_ms": scenario.delay_ms,
        "times": scenario.times,
        "remaining": scenario.remaining,
        "surface": scenario.surface,
        "match": match,
        "created_at": iso(scenario.created_at),
    }


def clock_to_v1(account: Account) -> dict:
    return {"object": "test_clock", "now": iso(clock.now(account)),
            "offset_seconds": account.clock_offset_seconds}
