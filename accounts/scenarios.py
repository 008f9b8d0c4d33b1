"""Test scenarios: failures an integrator asks for, applied to the account's next operations.

The table of what may be asked (`OUTCOMES`) and `take`, the one place the services consult:
it finds the account's oldest active scenario for an operation, counts it down atomically
(of requests racing for its last use, exactly one gets it) and, for the outages, raises
`SimulatedFailure` once the count-down has committed. Operations of requests apply only to
requests of an API surface (not to the admin, commands or tasks); `payment.settle` and
`webhook.delivery` happen in the background and have no surface; `checkout.complete` happens
on the hosted payment page, which acts for the format its checkout was made through.
"""

import math
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db.models import F

from accounts.models import Account, Scenario
from core import context, sandbox
from core.errors import ServiceError, SimulatedFailure
from core.formats import Format
from core.registry import Registry

PAYMENT_CREATE = "payment.create"
PAYMENT_CANCEL = "payment.cancel"
REFUND_CREATE = "refund.create"
PAYMENT_SETTLE = "payment.settle"
WEBHOOK_DELIVERY = "webhook.delivery"
CHECKOUT_COMPLETE = "checkout.complete"  # paying (or saving a card) on a checkout's page

DECLINE = "decline"
SERVER_ERROR = "server_error"
UNAVAILABLE = "unavailable"
DELAY = "delay"
FAIL = "fail"
DUPLICATE = "duplicate"

OUTCOMES = {
    PAYMENT_CREATE: (DECLINE, SERVER_ERROR, UNAVAILABLE, DELAY),
    PAYMENT_CANCEL: (SERVER_ERROR, UNAVAILABLE, DELAY),
    REFUND_CREATE: (FAIL, SERVER_ERROR, UNAVAILABLE, DELAY),
    PAYMENT_SETTLE: (FAIL,),
    WEBHOOK_DELIVERY: (DUPLICATE, DELAY),
    CHECKOUT_COMPLETE: (DECLINE,),
}
BACKGROUND = (PAYMENT_SETTLE, WEBHOOK_DELIVERY)
DECLINE_CODES = ("card_declined", "insufficient_funds", "expired_card", "incorrect_cvc",
                 "processing_error", "do_not_honor", "lost_card", "stolen_card", "fraudulent")
SURFACES = ("any", *Format.values)
# Which facts an operation can be matched on (`match`); every given one must be equal.
MATCHABLE = {
    PAYMENT_CREATE: ("amount", "currency", "payment_method"),
    PAYMENT_CANCEL: ("amount", "currency", "payment_method"),
    REFUND_CREATE: ("amount", "currency", "payment_method"),
    PAYMENT_SETTLE: ("amount", "currency", "payment_method"),
    WEBHOOK_DELIVERY: ("event_type",),
    CHECKOUT_COMPLETE: ("amount", "currency"),
}
MAX_TIMES = 1000
MAX_DELAY_MS = 30_000
# The serializer field of each fact (an optional field), registered by the app that owns it.
MATCH_FIELDS = Registry("scenario match field")


class TooManyDelays(ServiceError):
    """The account's delayed answers already hold all the server threads it may hold."""

    status = 429
    type = "rate_limit_error"
    code = "too_many_delayed_requests"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)}


def take(*, account: Account, operation: str,
         facts: dict | Callable[[], dict]) -> Scenario | None:
    """The scenario that shapes this operation, counted down; None when none applies.

    `facts` (or a function returning them, called only when a scenario may apply) are what
    `match` is compared with: amount in major units as a Decimal, currency, payment_method,
    event_type. An account without scenarios costs no query.
    """
    if not account.has_scenarios or not settings.SANDBOX_TEST_CONTROLS:
        return None
    surface = context.surface()
    if operation not in BACKGROUND and surface is None:
        return None
    if callable(facts):
        facts = facts()
    # One read; then one conditional UPDATE per candidate tried, each atomic by itself (in
    # autocommit it commits at once, which an outage needs: see api.idempotency).
    candidates = Scenario.objects.filter(
        account=account, operation=operation, remaining__gt=0).order_by("created_at", "id")
    if operation not in BACKGROUND:
        candidates = candidates.filter(surface__in=["any", surface])
    scenario = next((c for c in candidates if _matches(c.match, facts) and _taken(c, operation)),
                    None)
    if scenario is None:
        return None
    if operation not in BACKGROUND:  # the request's answer says what shaped it
        context.current().shaped(scenario.public_id,
                                 delay_ms=scenario.delay_ms if scenario.outcome == DELAY else 0)
    if scenario.outcome == SERVER_ERROR:
        raise SimulatedFailure("Simulated server error (test scenario).", status=500,
                               code="simulated_server_error", scenario_id=scenario.public_id)
    if scenario.outcome == UNAVAILABLE:
        raise SimulatedFailure("Simulated outage: the service is unavailable (test scenario).",
                               status=503, code="simulated_unavailable",
                               scenario_id=scenario.public_id, retry_after=1)
    return scenario


def _taken(scenario: Scenario, operation: str) -> bool:
    """Whether this request gets `scenario` (counted down): a delayed answer holds a server
    thread, so a `delay` of a request first takes one of the account's delay slots (429 when
    it has none left, and the scenario stays as it was)."""
    slot = None
    if scenario.outcome == DELAY and operation not in BACKGROUND:
        slot = _delay_slot(scenario)
    if _count_down(scenario):
        if slot:
            context.current().delay_slot = slot
        return True
    if slot:
        sandbox.release_delay_slot(slot)
    return False


def _delay_slot(scenario: Scenario) -> str:
    slot = sandbox.delay_slot(account_id=scenario.account_id,
                              seconds=scenario.delay_ms / 1000)
    if slot is None:
        raise TooManyDelays(
            f"This account already has {settings.SCENARIO_DELAYS_PER_ACCOUNT} delayed answers "
            "in flight (test scenarios of outcome delay); retry when one has gone out.",
            retry_after=max(1, math.ceil(scenario.delay_ms / 1000)))
    return slot


def _count_down(scenario: Scenario) -> bool:
    """One use, if any is left: a conditional UPDATE, atomic on every database."""
    taken = Scenario.objects.filter(pk=scenario.pk, remaining__gt=0).update(
        remaining=F("remaining") - 1)
    scenario.remaining -= taken
    return bool(taken)


def _matches(match: dict, facts: dict) -> bool:
    for name, expected in match.items():
        actual = facts.get(name)
        if name == "amount":
            if actual is None or Decimal(str(expected)) != actual:
                return False
        elif name == "currency":
            if str(actual or "").upper() != str(expected).upper():
                return False
        elif actual != expected:
            return False
    return True
