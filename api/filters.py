"""Filter fields shared by every list endpoint."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, normalised to UTC before it reaches the database.

    Offsets beyond what a real time zone uses (±14 h) are refused, and so are times that
    leave the representable range once converted (PostgreSQL refuses both with an error).
    """

    default_error_messages = {"out_of_range": "Enter a date/time with a real UTC offset."}

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset.total_seconds()) > 14 * 3600:
            raise forms.ValidationError(self.error_messages["out_of_range"], "out_of_range")
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"],
                                        "out_of_range") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
