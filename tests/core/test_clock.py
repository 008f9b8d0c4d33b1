"""`core.clock`: an account's own "now" (the wall clock plus its offset), when by the wall
clock the account's clock shows a time, how times are written on `/v1`, and the same
arithmetic in SQL (`WallTime`)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from accounts.models import Account
from core import clock
from payments.models import Payment
from tests.support.factories import make_account, make_payment

WALL = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """The wall clock stands at WALL."""
    monkeypatch.setattr(clock.timezone, "now", lambda: WALL)
    return WALL


def ahead(seconds: int) -> Account:
    return Account(name="Ahead", clock_offset_seconds=seconds)  # unsaved: no database


def test_without_an_account_now_is_the_wall_clock(frozen):
    assert clock.now() == WALL
    assert clock.now(None) == WALL


def test_an_accounts_now_runs_its_offset_ahead_of_the_wall_clock(frozen):
    assert clock.now(ahead(0)) == WALL
    assert clock.now(ahead(86_400)) == WALL + timedelta(days=1)
    assert clock.now(ahead(90)).tzinfo is not None  # still an aware time


def test_wall_time_of_is_when_the_wall_clock_gets_to_the_accounts_moment(frozen):
    account = ahead(3600)
    in_five_minutes_of_its_clock = clock.now(account) + timedelta(minutes=5)
    assert clock.wall_time_of(account, in_five_minutes_of_its_clock) == (
        WALL + timedelta(minutes=5))
    # A moment its clock has passed is already due by the wall clock.
    assert clock.wall_time_of(account, WALL) == WALL - timedelta(hours=1)
    assert clock.wall_time_of(ahead(0), WALL + timedelta(seconds=30)) == (
        WALL + timedelta(seconds=30))


def test_iso_prints_utc_with_microseconds_as_v1_does():
    paris = timezone(timedelta(hours=1))
    assert clock.iso(datetime(2025, 1, 15, 11, 30, tzinfo=paris)) == (
        "2025-01-15T10:30:00.000000+00:00")
    assert clock.iso(datetime(2025, 1, 15, 10, 30, 0, 123, tzinfo=UTC)) == (
        "2025-01-15T10:30:00.000123+00:00")
    assert clock.iso(WALL, timespec="seconds") == "2025-01-15T10:30:00+00:00"
    assert clock.iso(None) is None


@pytest.mark.django_db
def test_wall_time_in_sql_takes_each_accounts_offset_off_its_times():
    """The overdue-work queries compare every account's times with one wall-clock cut-off:
    a payment made at 12:00 on a clock one hour ahead was made at 11:00 by the wall."""
    noon = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    on_time, hour_ahead = make_account(name="On time"), make_account(name="Ahead")
    Account.objects.filter(pk=hour_ahead.pk).update(clock_offset_seconds=3600)
    for account in (on_time, hour_ahead):
        Payment.objects.filter(pk=make_payment(account).pk).update(created_at=noon)
    walls = dict(Payment.objects.annotate(
        wall=clock.WallTime("created_at", "account__clock_offset_seconds"))
        .values_list("account__name", "wall"))
    assert walls == {"On time": noon, "Ahead": noon - timedelta(hours=1)}
    cut_off = noon - timedelta(minutes=30)
    overdue = Payment.objects.alias(
        wall=clock.WallTime("created_at", "account__clock_offset_seconds")
    ).filter(wall__lte=cut_off)
    assert [p.account_id for p in overdue] == [hour_ahead.pk]
