"""The dates and times of a meeting or a series, worked out in the set's local time zone.

A series keeps its local wall-clock time: a set that meets at 18:00 in Europe/London meets at
18:00 in January and in July, so its time in UTC moves by an hour when the clocks change.
Meetings are stored in UTC.

Monthly by date: when a month has no such day (the 31st in April, the 30th in February), the
meeting falls on the last day of that month, and the series returns to its own day in the
next month that has it.
"""

import functools
import itertools
import zoneinfo
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext_lazy

MAX_MEETINGS = 24
MAX_INTERVAL = 12

WEEKLY = "weekly"
MONTHLY_WEEKDAY = "monthly_weekday"
MONTHLY_DATE = "monthly_date"
FREQUENCIES = (WEEKLY, MONTHLY_WEEKDAY, MONTHLY_DATE)

LAST = -1
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", LAST: "last"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The weekday's name in a series' description ("the first %(weekday)s of every month").
WEEKDAY_WORDS = (
    pgettext_lazy("weekday in a series", "Monday"),
    pgettext_lazy("weekday in a series", "Tuesday"),
    pgettext_lazy("weekday in a series", "Wednesday"),
    pgettext_lazy("weekday in a series", "Thursday"),
    pgettext_lazy("weekday in a series", "Friday"),
    pgettext_lazy("weekday in a series", "Saturday"),
    pgettext_lazy("weekday in a series", "Sunday"),
)


class ScheduleError(ValueError):
    """Input that cannot make a meeting or a series. The message is written for the person
    scheduling; `field` names the form field it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@functools.cache
def known_zones():
    return frozenset(zoneinfo.available_timezones())


def zone(name):
    if name not in known_zones():
        raise ScheduleError(
            gettext("“%(name)s” is not a time zone we know. Choose one such as Europe/London.")
            % {"name": name},
            field="time_zone",
        )
    return zoneinfo.ZoneInfo(name)


@dataclass(frozen=True)
class Rule:
    """How a series repeats: every `interval` weeks, or every `interval` months on the
    `ordinal` `weekday` of the month ("first Tuesday", "last Friday") or on the same date."""

    frequency: str
    interval: int = 1
    ordinal: int | None = None  # 1 to 4, or LAST
    weekday: int | None = None  # Monday is 0

    def __post_init__(self):
        if self.frequency not in FREQUENCIES:
            raise ScheduleError(gettext("Choose how often the set meets."), field="frequency")
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise ScheduleError(
                gettext("Meetings repeat every 1 to %(max)d weeks or months.")
                % {"max": MAX_INTERVAL},
                field="interval",
            )
        if self.frequency == MONTHLY_WEEKDAY:
            if self.ordinal not in ORDINALS:
                raise ScheduleError(
                    gettext("Choose which one in the month: first, second, third, fourth or last."),
                    field="ordinal",
                )
            if self.weekday not in range(7):
                raise ScheduleError(gettext("Choose the day of the week."), field="weekday")

    def describe(self, first):
        """The series in words, in the language active now: "The first Tuesday of every
        month"."""
        n = self.interval
        if self.frequency == WEEKLY:
            values = {"n": n, "weekday": WEEKDAY_WORDS[first.weekday()]}
            if n == 1:
                return gettext("Every week on %(weekday)s") % values
            return (
                ngettext("Every %(n)d week on %(weekday)s", "Every %(n)d weeks on %(weekday)s", n)
                % values
            )
        if self.frequency == MONTHLY_WEEKDAY:
            values = {"n": n, "weekday": WEEKDAY_WORDS[self.weekday]}
            return _nth_weekday_words(self.ordinal, n) % values
        values = {"n": n, "day": first.day}
        if n == 1:
            return gettext("Day %(day)d of every month") % values
        return (
            ngettext("Day %(day)d of every %(n)d month", "Day %(day)d of every %(n)d months", n)
            % values
        )


def _nth_weekday_words(ordinal, n):
    """ "The second %(weekday)s of every month", whole, so that each language can place the
    ordinal and the weekday as it needs."""
    if n == 1:
        return {
            1: gettext("The first %(weekday)s of every month"),
            2: gettext("The second %(weekday)s of every month"),
            3: gettext("The third %(weekday)s of every month"),
            4: gettext("The fourth %(weekday)s of every month"),
            LAST: gettext("The last %(weekday)s of every month"),
        }[ordinal]
    return {
        1: ngettext(
            "The first %(weekday)s of every %(n)d month",
            "The first %(weekday)s of every %(n)d months",
            n,
        ),
        2: ngettext(
            "The second %(weekday)s of every %(n)d month",
            "The second %(weekday)s of every %(n)d months",
            n,
        ),
        3: ngettext(
            "The third %(weekday)s of every %(n)d month",
            "The third %(weekday)s of every %(n)d months",
            n,
        ),
        4: ngettext(
            "The fourth %(weekday)s of every %(n)d month",
            "The fourth %(weekday)s of every %(n)d months",
            n,
        ),
        LAST: ngettext(
            "The last %(weekday)s of every %(n)d month",
            "The last %(weekday)s of every %(n)d months",
            n,
        ),
    }[ordinal]


def _day(value):
    return date_format(value, "j F Y")


def nth_weekday(year, month, ordinal, weekday):
    """The first to fourth, or the last, `weekday` of a month."""
    if ordinal == LAST:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))


def _month(year, month, add):
    years, month_index = divmod(month - 1 + add, 12)
    return year + years, month_index + 1


def _candidates(rule, start):
    """Every date of the series, without end, from its first meeting on or after `start`."""
    if rule.frequency == WEEKLY:
        step = timedelta(weeks=rule.interval)
        day = start
        while True:
            yield day
            day += step
    elif rule.frequency == MONTHLY_DATE:
        for k in itertools.count():
            year, month = _month(start.year, start.month, k * rule.interval)
            yield date(year, month, min(start.day, monthrange(year, month)[1]))
    else:
        year, month = start.year, start.month
        if nth_weekday(year, month, rule.ordinal, rule.weekday) < start:
            year, month = _month(year, month, 1)
        for k in itertools.count():
            yield nth_weekday(*_month(year, month, k * rule.interval), rule.ordinal, rule.weekday)


def series_dates(rule, start, *, count=None, until=None):
    """The dates of a series of `count` meetings, or of every meeting up to `until`."""
    if (count is None) == (until is None):
        raise ScheduleError(
            gettext("Say how many meetings there are, or the date of the last one (not both)."),
            field="count",
        )
    if count is not None and not 1 <= count <= MAX_MEETINGS:
        raise ScheduleError(
            gettext(
                "A series has 1 to %(max)d meetings, so %(count)d is not possible. For a "
                "longer programme, schedule the first %(max)d and add more later."
            )
            % {"max": MAX_MEETINGS, "count": count},
            field="count",
        )
    if until is not None and until < start:
        raise ScheduleError(
            gettext("The last date is before the first. Choose a last date after the first."),
            field="until",
        )
    dates = []
    try:
        for day in _candidates(rule, start):
            if until is not None and day > until:
                break
            dates.append(day)
            if len(dates) == (count or MAX_MEETINGS + 1):
                break
    except (OverflowError, ValueError):
        raise ScheduleError(gettext("That series runs past the end of the calendar.")) from None
    if len(dates) > MAX_MEETINGS:
        raise ScheduleError(
            gettext(
                "Meetings up to %(until)s would make more than %(max)d. Choose an "
                "earlier last date, or schedule the first %(max)d and add more later."
            )
            % {"until": _day(until), "max": MAX_MEETINGS},
            field="until",
        )
    if not dates:
        raise ScheduleError(
            gettext("No meeting of this series falls between %(start)s and %(until)s.")
            % {"start": _day(start), "until": _day(until)},
            field="until",
        )
    return dates


def local_to_utc(day, clock, tz):
    """The UTC moment of a local date and wall-clock time. A time the clocks skip is refused
    rather than quietly moved."""
    local = datetime.combine(day, clock, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ScheduleError(
            gettext(
                "%(time)s does not exist on %(day)s in %(zone)s: the clocks go "
                "forward then. Choose another time."
            )
            % {"time": f"{clock:%H:%M}", "day": _day(day), "zone": tz.key},
            field="starts",
        )
    return moment


def meeting_times(dates, starts, ends, tz, *, now):
    """(start, end) in UTC for each date, at the same local times in `tz`."""
    if not isinstance(starts, time) or not isinstance(ends, time) or ends <= starts:
        raise ScheduleError(
            gettext("The meeting must end after it starts, on the same day. Check the end time."),
            field="ends",
        )
    times = [(local_to_utc(day, starts, tz), local_to_utc(day, ends, tz)) for day in dates]
    if times and times[0][0] <= now:
        raise ScheduleError(
            gettext("%(day)s at %(time)s has already passed. Choose a date and time in the future.")
            % {"day": _day(dates[0]), "time": f"{starts:%H:%M}"},
            field="date",
        )
    return times
