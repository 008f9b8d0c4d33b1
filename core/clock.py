"""Time: an account's own "now" (the sandbox clock), and how times are written on the wire.

Each account's clock runs `clock_offset_seconds` ahead of the wall clock (the offset only
grows: `POST /v1/test/clock/advance`). Everything account-scoped reads it: timestamps of new
objects, settlement and retry schedules, key expiry. What happens in real time (task run
times, lock timeouts, webhook signature timestamps) reads the wall clock.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, Func
from django.utils import timezone


def now(account=None) -> datetime:
    """The account's current time; the wall clock without an account (or with the sandbox's
    test controls switched off: `SANDBOX_TEST_CONTROLS`)."""
    offset = getattr(account, "clock_offset_seconds", 0) if account is not None else 0
    if offset and not settings.SANDBOX_TEST_CONTROLS:
        offset = 0
    wall = timezone.now()
    return wall + timedelta(seconds=offset) if offset else wall


def wall_time_of(account, moment: datetime) -> datetime:
    """When, by the wall clock, the account's clock shows `moment` (for a task's run time)."""
    return timezone.now() + (moment - now(account))


def iso(value: datetime | None, timespec: str = "microseconds") -> str | None:
    """A UTC time as `/v1` prints it: `2025-01-15T10:30:00.000000+00:00`."""
    return value.astimezone(UTC).isoformat(timespec=timespec) if value else None


class WallTime(Func):
    """`WallTime(time_field, offset_field)`: a time on an account's clock as the wall clock
    reads it (the time less the account's `clock_offset_seconds`), in SQL: how the jobs that
    find overdue work across accounts compare every account's times with one wall-clock
    cut-off."""

    arity = 2
    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, arg_joiner=" - INTERVAL '1 second' * ",
                              template="(%(expressions)s)", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Whole seconds: Django keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
        return super().as_sql(compiler, connection, arg_joiner=", '-' || ",
                              template="datetime(%(expressions)s || ' seconds')", **extra)
