"""The bounds on what a person can enter, kept in one place for every form and query string.

Dates: a set meets between 2000-01-01 and 2100-12-31. Every date field a person fills in is
a BoundedDateField, and a moment worked out from what they entered (a meeting's start, each
meeting of a series) must fall on a day in that range in every time zone it is shown in, so
turning it into local time can never run off the calendar.

Rows: database constraints keep every stored date and meeting time within the range (with a
margin of days for time zones), so no row can take a page off the calendar.

Ids: a query-string id is ASCII digits naming a positive bigint, or it is ignored —
`str.isdigit()` also believes "²" and "①", and `int()` accepts "٣".
"""

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
# What a stored row may hold: the range with a margin of days in UTC, so that a meeting on its
# first or last day can be shown in every time zone. Database constraints keep rows inside.
EARLIEST_MOMENT = datetime.combine(EARLIEST - timedelta(days=2), time.min, tzinfo=UTC)
LATEST_MOMENT = datetime.combine(LATEST + timedelta(days=3), time.min, tzinfo=UTC)
# The largest id a database bigint holds.
MAX_ID = 2**63 - 1


def in_words(day):
    return date_format(day, "j F Y")


def out_of_range_message(day):
    return _("Choose a date between %(earliest)s and %(latest)s, not %(day)s.") % {
        "earliest": in_words(EARLIEST),
        "latest": in_words(LATEST),
        "day": day.isoformat(),
    }


def validate_date_in_range(day):
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(out_of_range_message(day), code="date_range")


class BoundedDateField(forms.DateField):
    """A date a set can use; the browser's date picker offers only those."""

    default_validators = [validate_date_in_range]
    default_error_messages = {
        "invalid": gettext_lazy("Enter a date as year-month-day, such as 2026-03-31.")
    }

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=EARLIEST.isoformat(), max=LATEST.isoformat())
        return attrs


def local_days(moment, zones):
    """The local date of `moment` in each zone, or None where it falls off the calendar."""
    days = []
    for zone in zones:
        try:
            days.append(moment.astimezone(zone).date())
        except (OverflowError, ValueError):
            days.append(None)
    return days


def moment_in_range(moment, *zones):
    """Whether `moment` falls on a day between EARLIEST and LATEST in every one of `zones`."""
    return all(day is not None and EARLIEST <= day <= LATEST for day in local_days(moment, zones))


def positive_id(value):
    """The positive id `value` spells in ASCII digits, or None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def has_nul(text):
    return "\x00" in text
