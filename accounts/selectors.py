"""Reads of the account's sandbox controls, always scoped to the calling account."""

from accounts.models import Account, Scenario
from core.errors import NotFound


def scenario_list(*, account: Account):
    """The active ones, newest first."""
    return Scenario.objects.filter(account=account, remaining__gt=0)


def scenario_get(*, account: Account, scenario_id: str) -> Scenario:
    scenario = Scenario.objects.filter(account=account, public_id=scenario_id).first()
    if scenario is None:
        raise NotFound("scenario", scenario_id, param="scenario_id")
    return scenario
