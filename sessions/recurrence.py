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

MAX_MEETINGS = 24
MAX_INTERVAL = 12

WEEKLY = "weekly"
MONTHLY_WEEKDAY = "monthly_weekday"
MONTHLY_DATE = "monthly_date"
FREQUENCIES = (WEEKLY, MONTHLY_WEEKDAY, MONTHLY_DATE)

LAST = -1
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", LAST: "last"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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
            f"“{name}” is not a time zone we know. Choose one such as Europe/London.",
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
            raise ScheduleError("Choose how often the set meets.", field="frequency")
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise ScheduleError(
                f"Meetings repeat every 1 to {MAX_INTERVAL} weeks or months.", field="interval"
            )
        if self.frequency == MONTHLY_WEEKDAY:
            if self.ordinal not in ORDINALS:
                raise ScheduleError(
                    "Choose which one in the month: first, second, third, fourth or last.",
                    field="ordinal",
                )
            if self.weekday not in range(7):
                raise ScheduleError("Choose the day of the week.", field="weekday")

    def describe(self, first):
        if self.frequency == WEEKLY:
            every = "Every week" if self.interval == 1 else f"Every {self.interval} weeks"
            return f"{every} on {WEEKDAYS[first.weekday()]}"
        months = "every month" if self.interval == 1 else f"every {self.interval} months"
        if self.frequency == MONTHLY_WEEKDAY:
            return f"The {ORDINALS[self.ordinal]} {WEEKDAYS[self.weekday]} of {months}"
        return f"Day {first.day} of {months}"


def _day(value):
    return f"{value.day} {value:%B %Y}"


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
            "Say how many meetings there are, or the date of the last one (not both).",
            field="count",
        )
    if count is not None and not 1 <= count <= MAX_MEETINGS:
        raise ScheduleError(
            f"A series has 1 to {MAX_MEETINGS} meetings, so {count} is not possible. For a "
            f"longer programme, schedule the first {MAX_MEETINGS} and add more later.",
            field="count",
        )
    if until is not None and until < start:
        raise ScheduleError(
            "The last date is before the first. Choose a last date after the first.",
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
        raise ScheduleError("That series runs past the end of the calendar.") from None
    if len(dates) > MAX_MEETINGS:
        raise ScheduleError(
            f"Meetings up to {_day(until)} would make more than {MAX_MEETINGS}. Choose an "
            f"earlier last date, or schedule the first {MAX_MEETINGS} and add more later.",
            field="until",
        )
    if not dates:
        raise ScheduleError(
            f"No meeting of this series falls between {_day(start)} and {_day(until)}.",
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
            f"{clock:%H:%M} does not exist on {_day(day)} in {tz.key}: the clocks go "
            "forward then. Choose another time.",
            field="starts",
        )
    return moment


def meeting_times(dates, starts, ends, tz, *, now):
    """(start, end) in UTC for each date, at the same local times in `tz`."""
    if not isinstance(starts, time) or not isinstance(ends, time) or ends <= starts:
        raise ScheduleError(
            "The meeting must end after it starts, on the same day. Check the end time.",
            field="ends",
        )
    times = [(local_to_utc(day, starts, tz), local_to_utc(day, ends, tz)) for day in dates]
    if times and times[0][0] <= now:
        raise ScheduleError(
            f"{_day(dates[0])} at {starts:%H:%M} has already passed. Choose a date and "
            "time in the future.",
            field="date",
        )
    return times
