"""Forms for scheduling: one meeting (new or changed) and a series.

People enter a local date and wall-clock times in a named time zone (the programme's unless
they choose another); `clean` turns them into UTC start and end times in `self.times`. Every
meeting falls on a day a set can use (alsspace.inputs) in the zone it was entered in, the
programme's and that of the person scheduling.
"""

import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, gettext_lazy, ngettext

from alsspace.inputs import EARLIEST, LATEST, BoundedDateField, in_words, moment_in_range
from sessions import recurrence
from sessions.recurrence import ScheduleError

DEFAULT_START = datetime(2000, 1, 1, 9, 30)

# The fields that say when a meeting is.
TIME_FIELDS = ("date", "starts", "ends", "time_zone")


class DateInput(forms.DateInput):
    """The browser's date picker, which sends and expects ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(recurrence.known_zones())]


class ScheduleForm(forms.Form):
    # What `clean` needs before it can work out the times; if one of them is already wrong,
    # its own message says so.
    needed = TIME_FIELDS

    date = BoundedDateField(label=gettext_lazy("Date"), widget=DateInput())
    starts = forms.TimeField(label=gettext_lazy("Starts at"), widget=TimeInput())
    ends = forms.TimeField(label=gettext_lazy("Ends at"), widget=TimeInput())
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=_zone_choices,
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not a time zone we know. Choose one from the "
                "list, such as Europe/London."
            )
        },
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=gettext_lazy("Video link"), max_length=200, required=False, assume_scheme="https"
    )

    def __init__(self, *args, learning_set, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.learning_set = learning_set
        self.person = person
        programme_zone = learning_set.programme.time_zone
        self.fields["time_zone"].help_text = gettext(
            "The times above are local to this zone: %(zone)s, the programme’s, "
            "unless you choose another. Members see them in their own time zone."
        ) % {"zone": programme_zone}
        self.fields["place"].help_text = gettext("A room and building, or “Online”.")
        self.fields["video_link"].help_text = gettext(
            "Optional. Members find it in their calendar."
        )
        self.times = []

    def initial_for_set(self):
        learning_set = self.learning_set
        # The set's usual length is at most 12 hours, so a 9:30 start ends the same day.
        ends = DEFAULT_START + timedelta(minutes=learning_set.default_length_minutes)
        return {
            "starts": DEFAULT_START.time(),
            "ends": ends.time(),
            "time_zone": learning_set.programme.time_zone,
            "place": learning_set.default_place,
            "video_link": learning_set.default_video_link,
        }

    def meeting_dates(self, data):
        return [data["date"]]

    def zones(self, entered):
        """The zones a meeting is checked in: the one it was entered in, the programme's and
        the person's (a zone name no longer known is left out)."""
        zones = {entered}
        names = [self.learning_set.programme.time_zone, getattr(self.person, "time_zone", "")]
        for name in names:
            if name in recurrence.known_zones():
                zones.add(zoneinfo.ZoneInfo(name))
        return sorted(zones, key=str)

    def out_of_range(self, position):
        return ScheduleError(
            gettext(
                "A meeting must fall between %(earliest)s and %(latest)s, in "
                "the time zone chosen, the programme’s and your own. Choose another date."
            )
            % {"earliest": in_words(EARLIEST), "latest": in_words(LATEST)},
            field="date",
        )

    def check_in_range(self, entered):
        zones = self.zones(entered)
        for position, (starts, ends) in enumerate(self.times):
            if not (moment_in_range(starts, *zones) and moment_in_range(ends, *zones)):
                raise self.out_of_range(position)

    def clean(self):
        data = super().clean()
        if any(self.has_error(name) for name in self.needed):
            return data
        try:
            tz = recurrence.zone(data["time_zone"])
            dates = self.meeting_dates(data)
            self.times = recurrence.meeting_times(
                dates, data["starts"], data["ends"], tz, now=timezone.now()
            )
            self.check_in_range(tz)
        except ScheduleError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


class MeetingForm(ScheduleForm):
    """One new meeting, or a change to one (`meeting`): its date, times, place, video link."""

    def __init__(self, *args, learning_set, meeting=None, **kwargs):
        super().__init__(*args, learning_set=learning_set, **kwargs)
        self.meeting = meeting
        self.fields["date"].label = gettext("Date")
        if meeting is None:
            self.initial = {**self.initial_for_set(), **self.initial}
        else:
            tz = recurrence.zone(learning_set.programme.time_zone)
            starts, ends = meeting.starts_at.astimezone(tz), meeting.ends_at.astimezone(tz)
            self.initial = {
                "date": starts.date(),
                "starts": starts.time(),
                "ends": ends.time(),
                "time_zone": tz.key,
                "place": meeting.place,
                "video_link": meeting.video_link,
                **self.initial,
            }

    def clean(self):
        if self.meeting is not None and not any(f in self.changed_data for f in TIME_FIELDS):
            # Only the place or the link changed: keep the times as they are, even if the
            # meeting has already started.
            self.times = [(self.meeting.starts_at, self.meeting.ends_at)]
            return self.cleaned_data
        return super().clean()


class SeriesForm(ScheduleForm):
    """A series: when the first meeting is, how it repeats, and how many meetings or until
    when. See sessions.recurrence for what happens on the 31st."""

    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        widget=forms.RadioSelect,
        choices=[
            (
                recurrence.MONTHLY_WEEKDAY,
                gettext_lazy("Monthly on a weekday, such as the first Tuesday"),
            ),
            (recurrence.MONTHLY_DATE, gettext_lazy("Monthly on the same date, such as the 15th")),
            (
                recurrence.WEEKLY,
                gettext_lazy("Every few weeks, on the weekday of the first meeting"),
            ),
        ],
        initial=recurrence.MONTHLY_WEEKDAY,
    )
    interval = forms.IntegerField(
        label=gettext_lazy("Repeat every"),
        initial=1,
        help_text=gettext_lazy("Months between meetings; weeks for “every few weeks”."),
        widget=forms.NumberInput(attrs={"min": 1, "max": recurrence.MAX_INTERVAL}),
    )
    ordinal = forms.TypedChoiceField(
        label=gettext_lazy("Which one in the month"),
        coerce=int,
        required=False,
        choices=[
            (1, gettext_lazy("First")),
            (2, gettext_lazy("Second")),
            (3, gettext_lazy("Third")),
            (4, gettext_lazy("Fourth")),
            (recurrence.LAST, gettext_lazy("Last")),
        ],
        initial=1,
    )
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Day of the week"),
        coerce=int,
        required=False,
        choices=sorted(WEEKDAYS.items()),
        initial=1,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of meetings"),
        required=False,
        initial=6,
        widget=forms.NumberInput(attrs={"min": 1, "max": recurrence.MAX_MEETINGS}),
    )
    until = BoundedDateField(
        label=gettext_lazy("Or: no meetings after"),
        required=False,
        help_text=gettext_lazy("The series stops at the last meeting on or before this date."),
        widget=DateInput(),
    )

    needed = (*TIME_FIELDS, "frequency", "interval", "ordinal", "weekday", "count", "until")

    field_order = [
        "date",
        "frequency",
        "interval",
        "ordinal",
        "weekday",
        "count",
        "until",
        "starts",
        "ends",
        "time_zone",
        "place",
        "video_link",
    ]

    def __init__(self, *args, learning_set, **kwargs):
        super().__init__(*args, learning_set=learning_set, **kwargs)
        self.initial = {**self.initial_for_set(), **self.initial}
        self.fields["count"].help_text = gettext(
            "From 1 to %(max)d. Leave empty to give a last date instead."
        ) % {"max": recurrence.MAX_MEETINGS}
        self.fields["date"].label = gettext("First meeting")
        self.fields["date"].help_text = gettext(
            "For “the first Tuesday” and the like, the first such day on or after this date. "
            "Monthly on the 31st: in shorter months, the month’s last day."
        )
        self.rule = None

    def out_of_range(self, position):
        if position == 0:
            return super().out_of_range(position)
        return ScheduleError(
            gettext(
                "Meeting %(number)d of this series would fall after %(latest)s, the "
                "last day a set can use. Choose fewer meetings or an earlier last date."
            )
            % {"number": position + 1, "latest": in_words(LATEST)},
            field="count" if self.cleaned_data.get("count") else "until",
        )

    def meeting_dates(self, data):
        self.rule = recurrence.Rule(
            frequency=data["frequency"],
            interval=data["interval"],
            ordinal=data["ordinal"],
            weekday=data["weekday"],
        )
        return recurrence.series_dates(
            self.rule, data["date"], count=data["count"], until=data["until"]
        )

    @property
    def description(self):
        """How the series repeats, in words: "The first Tuesday of every month, 6 meetings"."""
        tz = recurrence.zone(self.cleaned_data["time_zone"])
        first = self.times[0][0].astimezone(tz).date()
        n = len(self.times)
        return ngettext("%(rule)s, %(n)d meeting", "%(rule)s, %(n)d meetings", n) % {
            "rule": self.rule.describe(first),
            "n": n,
        }
