"""Filter fields shared by every list endpoint."""

import re
from datetime import UTC, datetime, timedelta, timezone

import django_filters
from django import forms

# RFC 3339's date-time, what the schema's `format: date-time` promises and nothing looser.
RFC_3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:[Zz]|([+-])(\d{2}):(\d{2}))$", re.ASCII)


class UTCDateTimeField(forms.Field):
    """An RFC 3339 date-time, normalised to UTC before it reaches the database.

    Every offset RFC 3339 allows (±23:59) is accepted. A time that leaves the representable
    range once converted (year 9999 at -10:00) is clamped to the end of that range, which
    filters the same; a leap second (:60) counts as the last second of its minute.
    """

    default_error_messages = {
        "invalid": "Enter an RFC 3339 date-time, such as 2025-01-15T10:30:00Z.",
    }

    def to_python(self, value):
        if value is None:
            return None
        match = RFC_3339.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
        offset = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        if int(off_h or 0) > 23 or int(off_m or 0) > 59:
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        try:
            local = datetime(max(int(year), 1), int(month), int(day), int(hour), int(minute),
                             min(int(second), 59), int((fraction or "0")[:6].ljust(6, "0")),
                             tzinfo=timezone(-offset if sign == "-" else offset))
        except ValueError:  # February 30th, hour 25, ...
            raise forms.ValidationError(self.error_messages["invalid"], "invalid") from None
        try:
            return local.astimezone(UTC)
        except OverflowError:
            return datetime.max.replace(tzinfo=UTC) if int(year) > 1 else datetime.min.replace(
                tzinfo=UTC)


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class StrictFilterSet(django_filters.FilterSet):
    """An enum or date-time filter parameter that is given must say something: an empty one
    (`?status=`) is refused (422), as the schema's enums and formats say, not taken as no
    filter (an empty free-text parameter still means none)."""

    def is_valid(self):
        valid = super().is_valid()
        for name, field in self.filters.items():
            if self.data.get(name) == "" and not isinstance(field, django_filters.CharFilter):
                self.form.add_error(name, "Must not be empty: leave the parameter out.")
                valid = False
        return valid
