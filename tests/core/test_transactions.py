"""`core.transactions`: a service runs in its own transaction; inside a caller's, in a
savepoint of it (so the caller survives the service's error), except inside `all_or_nothing`,
whose transaction it joins without one (two round trips saved per service).

Real transactions (`transaction=True`): the test's own would make every block a nested one.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from core.errors import ServiceError
from core.transactions import all_or_nothing, service_transaction

pytestmark = pytest.mark.django_db(transaction=True)


@service_transaction
def rename(*, account: Account, name: str, fail: bool = False) -> None:
    """A service that writes, then refuses if asked to."""
    Account.objects.filter(pk=account.pk).update(name=name)
    if fail:
        raise ServiceError("refused")


@pytest.fixture
def account() -> Account:
    return Account.objects.create(name="Before")


def savepoints(captured) -> int:
    return sum(q["sql"].upper().startswith("SAVEPOINT") for q in captured.captured_queries)


def name_of(account: Account) -> str:
    return Account.objects.get(pk=account.pk).name


def test_a_service_called_alone_runs_in_a_transaction_of_its_own(account):
    with CaptureQueriesContext(connection) as captured:
        rename(account=account, name="After")
    assert savepoints(captured) == 0
    assert name_of(account) == "After"
    with pytest.raises(ServiceError):
        rename(account=account, name="Half-done", fail=True)
    assert name_of(account) == "After"  # its write was rolled back with it


def test_inside_a_callers_transaction_each_service_gets_a_savepoint(account):
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        rename(account=account, name="One")
        rename(account=account, name="Two")
    assert savepoints(captured) == 2


def test_the_savepoint_lets_the_caller_survive_the_services_error(account):
    """An admin action looping over objects: one refusal undoes that service's writes only."""
    with transaction.atomic():
        Account.objects.create(name="Written by the caller")
        with pytest.raises(ServiceError):
            rename(account=account, name="Half-done", fail=True)
        rename(account=account, name="Carried on")
    assert name_of(account) == "Carried on"
    assert Account.objects.filter(name="Written by the caller").exists()


def test_inside_all_or_nothing_services_join_its_transaction_without_savepoints(account):
    with CaptureQueriesContext(connection) as captured, all_or_nothing():
        rename(account=account, name="One")
        rename(account=account, name="Two")
    assert savepoints(captured) == 0
    assert name_of(account) == "Two"


def test_an_error_inside_all_or_nothing_rolls_everything_back(account):
    with pytest.raises(ServiceError), all_or_nothing():
        Account.objects.create(name="Written by the caller")
        rename(account=account, name="One")
        rename(account=account, name="Two", fail=True)
    assert name_of(account) == "Before"
    assert not Account.objects.filter(name="Written by the caller").exists()


def test_savepoints_come_back_once_all_or_nothing_has_ended(account):
    with pytest.raises(ServiceError), all_or_nothing():
        raise ServiceError("the block ended with an error")
    with all_or_nothing():
        pass
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        rename(account=account, name="After")
    assert savepoints(captured) == 1
