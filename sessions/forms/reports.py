"""Filters for attendance reports and exports, read from the query string.

Dates are whole days in the programme's time zone, both ends included. Every field is
optional: a blank form covers every set and every held meeting.
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.inputs import BoundedDateField
from sessions.forms.schedule import DateInput
from sessions.models import Attendance
from sessions.reports.attendance import NOT_RECORDED, NOT_RECORDED_LABEL, ReportScope

FORMATS = [("csv", "CSV"), ("xlsx", gettext_lazy("Excel (.xlsx)"))]
STATUSES = [
    ("", gettext_lazy("All statuses")),
    *Attendance.Status.choices,
    (NOT_RECORDED, NOT_RECORDED_LABEL),
]


def _day(moment):
    return date_format(moment, "j F Y")


class PeriodForm(forms.Form):
    """A "from" and a "to" day, both optional, in the programme's time zone; the last may not
    come before the first. Subclasses word the days' help."""

    from_help = gettext_lazy("First day, in the programme’s time zone (%(zone)s).")
    to_help = gettext_lazy("Last day, included.")

    def add_period_fields(self, programme):
        self.fields["from"] = BoundedDateField(
            label=_("From"),
            required=False,
            widget=DateInput(),
            help_text=self.from_help % {"zone": programme.time_zone},
        )
        self.fields["to"] = BoundedDateField(
            label=_("To"), required=False, widget=DateInput(), help_text=self.to_help
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if first and last and first > last:
            self.add_error(
                "to",
                _(
                    "The last day, %(last)s, is before the first, %(first)s. Choose a last day "
                    "on or after the first."
                )
                % {"last": _day(last), "first": _day(first)},
            )
        return data


class AttendanceFilterForm(PeriodForm):
    """Which set (on a programme's report) and which days. `scope()` turns a valid form into
    what the report or export covers."""

    def __init__(self, data, *, programme, learning_set=None):
        super().__init__(data)
        self.programme = programme
        self.learning_set = learning_set
        if learning_set is None:
            self.fields["set"] = forms.ModelChoiceField(
                queryset=programme.sets.order_by("name"),
                required=False,
                label=_("Set"),
                empty_label=_("All sets"),
                error_messages={
                    "invalid_choice": _(
                        "That set is not in this programme. Choose one from the list, or all sets."
                    )
                },
            )
        self.add_period_fields(programme)

    def set_options(self):
        """The set filter's options as (value, label, selected), for the page to write out:
        the select widget would render each of a programme's sets through a template."""
        field = self.fields["set"]
        value = self["set"].value()
        chosen = "" if value is None else str(value)
        sets = ((str(pk), name) for pk, name in field.queryset.values_list("pk", "name"))
        return [
            (option, label, option == chosen) for option, label in [("", field.empty_label), *sets]
        ]

    def chosen_set(self):
        return self.learning_set or self.cleaned_data.get("set")

    def scope(self):
        zone = ReportScope(self.programme).zone
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return ReportScope(
            programme=self.programme,
            learning_set=self.chosen_set(),
            starts=datetime.combine(first, time.min, tzinfo=zone) if first else None,
            ends=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
            if last
            else None,
            status=self.cleaned_data.get("status", ""),
        )

    def period(self):
        """The chosen days in words."""
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if first and last:
            return _("%(first)s to %(last)s") % {"first": _day(first), "last": _day(last)}
        if first:
            return _("from %(day)s") % {"day": _day(first)}
        if last:
            return _("up to %(day)s") % {"day": _day(last)}
        return _("all dates")

    def query(self):
        """The filters as query-string values, for links to exports of the same rows."""
        chosen = self.cleaned_data.get("set")
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return {
            "set": chosen.pk if chosen and self.learning_set is None else "",
            "from": first.isoformat() if first else "",
            "to": last.isoformat() if last else "",
        }


MEMBER_CHOICES = [
    ("all", gettext_lazy("All members")),
    ("below", gettext_lazy("Below threshold only")),
]


class ReportFilterForm(AttendanceFilterForm):
    """The report page's filters, and which members its table lists (every one unless asked
    otherwise, those below the threshold first)."""

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["members"] = forms.ChoiceField(
            choices=MEMBER_CHOICES,
            required=False,
            error_messages={
                "invalid_choice": _("“%(value)s” is not a choice of members. Choose all or below.")
            },
        )

    def below_only(self):
        return self.cleaned_data.get("members") == "below"


class AttendanceExportForm(AttendanceFilterForm):
    """The report's filters, a status, and the file format (CSV unless asked otherwise)."""

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"] = forms.ChoiceField(
            choices=STATUSES,
            required=False,
            error_messages={
                "invalid_choice": _(
                    "“%(value)s” is not an attendance status. Choose present, late, left_early, "
                    "apologies, absent or not_recorded, or leave it out for all."
                )
            },
        )
        self.fields["format"] = forms.ChoiceField(
            choices=FORMATS,
            required=False,
            error_messages={
                "invalid_choice": _("“%(value)s” is not a format we export. Choose csv or xlsx.")
            },
        )

    def clean_format(self):
        return self.cleaned_data.get("format") or "csv"


def _month_words(day):
    return date_format(day, "F Y")


class EvaluationFilterForm(PeriodForm):
    """The evaluation report's period: whole calendar months in the programme's time zone, so
    that a month's figures are the same in every period that covers it
    (docs/reports.md#disclosure-control). A day is read as its month, both ends included;
    both are optional."""

    from_help = gettext_lazy(
        "Its month is the first counted, in the programme’s time zone (%(zone)s)."
    )
    to_help = gettext_lazy("Its month is the last counted.")

    def __init__(self, data, *, programme):
        super().__init__(data)
        self.programme = programme
        self.add_period_fields(programme)

    def months(self):
        """The first day of the first and of the last month, or None where open."""
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return (first.replace(day=1) if first else None, last.replace(day=1) if last else None)

    def scope(self):
        zone = ReportScope(self.programme).zone
        first, last = self.months()
        after = date(last.year + last.month // 12, last.month % 12 + 1, 1) if last else None
        return ReportScope(
            programme=self.programme,
            starts=datetime.combine(first, time.min, tzinfo=zone) if first else None,
            ends=datetime.combine(after, time.min, tzinfo=zone) if after else None,
        )

    def period(self):
        """The chosen months in words."""
        first, last = self.months()
        if first and last:
            if first == last:
                return _month_words(first)
            return _("%(first)s to %(last)s") % {
                "first": _month_words(first),
                "last": _month_words(last),
            }
        if first:
            return _("from %(day)s") % {"day": _month_words(first)}
        if last:
            return _("up to %(day)s") % {"day": _month_words(last)}
        return _("all months")

    def query(self):
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return {
            "from": first.isoformat() if first else "",
            "to": last.isoformat() if last else "",
        }
