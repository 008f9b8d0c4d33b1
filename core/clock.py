"""How times are written on the wire."""

from datetime import UTC, datetime


def iso(value: datetime | None, timespec: str = "microseconds") -> str | None:
    """A UTC time as seed 003 prints it: `2025-01-15T10:30:00.000000+00:00`."""
    return value.astimezone(UTC).isoformat(timespec=timespec) if value else None
