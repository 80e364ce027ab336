"""Series dates and times: repeat rules, local time kept across clock changes, bad input."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sessions.recurrence import (
    LAST,
    MONTHLY_DATE,
    MONTHLY_WEEKDAY,
    WEEKLY,
    Rule,
    ScheduleError,
    meeting_times,
    nth_weekday,
    series_dates,
    zone,
)

LONDON = ZoneInfo("Europe/London")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

FIRST_TUESDAY = Rule(MONTHLY_WEEKDAY, ordinal=1, weekday=1)
LAST_FRIDAY = Rule(MONTHLY_WEEKDAY, ordinal=LAST, weekday=4)


def test_first_tuesday_of_each_month():
    assert series_dates(FIRST_TUESDAY, date(2026, 9, 1), count=6) == [
        date(2026, 9, 1),
        date(2026, 10, 6),
        date(2026, 11, 3),
        date(2026, 12, 1),
        date(2027, 1, 5),
        date(2027, 2, 2),
    ]


def test_a_weekday_series_starts_at_its_first_day_on_or_after_the_start_date():
    # The first Tuesday of September 2026 (the 1st) has passed by the 2nd.
    assert series_dates(FIRST_TUESDAY, date(2026, 9, 2), count=2) == [
        date(2026, 10, 6),
        date(2026, 11, 3),
    ]


def test_last_friday_of_each_month():
    assert series_dates(LAST_FRIDAY, date(2026, 1, 1), count=4) == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
        date(2026, 4, 24),
    ]


def test_last_friday_can_be_the_fifth():
    # October 2026 has five Fridays; the last is the 30th.
    assert nth_weekday(2026, 10, LAST, 4) == date(2026, 10, 30)
    assert nth_weekday(2026, 10, 4, 4) == date(2026, 10, 23)


def test_the_third_wednesday_every_two_months():
    rule = Rule(MONTHLY_WEEKDAY, interval=2, ordinal=3, weekday=2)
    assert series_dates(rule, date(2026, 1, 1), count=3) == [
        date(2026, 1, 21),
        date(2026, 3, 18),
        date(2026, 5, 20),
    ]


def test_every_six_weeks():
    rule = Rule(WEEKLY, interval=6)
    assert series_dates(rule, date(2026, 9, 15), count=4) == [
        date(2026, 9, 15),
        date(2026, 10, 27),
        date(2026, 12, 8),
        date(2027, 1, 19),
    ]


def test_until_a_date_includes_a_meeting_on_that_date():
    rule = Rule(WEEKLY, interval=4)
    assert series_dates(rule, date(2026, 9, 1), until=date(2026, 11, 24)) == [
        date(2026, 9, 1),
        date(2026, 9, 29),
        date(2026, 10, 27),
        date(2026, 11, 24),
    ]
    assert len(series_dates(rule, date(2026, 9, 1), until=date(2026, 11, 23))) == 3


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    rule = Rule(MONTHLY_DATE)
    assert series_dates(rule, date(2027, 1, 31), count=5) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]


def test_monthly_on_the_29th_in_a_leap_year():
    rule = Rule(MONTHLY_DATE)
    assert series_dates(rule, date(2028, 1, 29), count=3) == [
        date(2028, 1, 29),
        date(2028, 2, 29),
        date(2028, 3, 29),
    ]


def test_a_monthly_series_keeps_18_00_in_london_across_both_clock_changes():
    """British Summer Time ends on 25 October 2026 and starts again on 28 March 2027: 18:00 in
    London is 17:00 UTC in summer and 18:00 UTC in winter."""
    dates = series_dates(FIRST_TUESDAY, date(2026, 9, 1), count=8)
    times = meeting_times(dates, time(18), time(21), LONDON, now=LONG_AGO)
    assert [starts.astimezone(LONDON).time() for starts, _ in times] == [time(18)] * 8
    assert [(starts.date(), starts.hour) for starts, _ in times] == [
        (date(2026, 9, 1), 17),
        (date(2026, 10, 6), 17),
        (date(2026, 11, 3), 18),
        (date(2026, 12, 1), 18),
        (date(2027, 1, 5), 18),
        (date(2027, 2, 2), 18),
        (date(2027, 3, 2), 18),
        (date(2027, 4, 6), 17),
    ]
    assert all(starts.tzinfo == UTC for starts, _ in times)
    assert all((ends - starts).total_seconds() == 3 * 3600 for starts, ends in times)


def test_a_weekly_series_keeps_its_local_time_in_the_week_the_clocks_go_back():
    dates = series_dates(Rule(WEEKLY), date(2026, 10, 20), count=2)
    (first, _), (second, _) = meeting_times(dates, time(18), time(20), LONDON, now=LONG_AGO)
    assert (first.hour, second.hour) == (17, 18)


def test_another_time_zone():
    tz = zone("America/New_York")
    [(starts, ends)] = meeting_times([date(2026, 7, 7)], time(9), time(12), tz, now=LONG_AGO)
    assert starts == datetime(2026, 7, 7, 13, tzinfo=UTC)


@pytest.mark.parametrize("count", [0, -1, 25, 500])
def test_a_series_has_1_to_24_meetings(count):
    with pytest.raises(ScheduleError) as error:
        series_dates(FIRST_TUESDAY, date(2026, 9, 1), count=count)
    assert error.value.field == "count"
    assert "1 to 24 meetings" in error.value.message


def test_until_a_date_that_makes_more_than_24_meetings_is_refused():
    with pytest.raises(ScheduleError) as error:
        series_dates(Rule(WEEKLY), date(2026, 1, 6), until=date(2036, 1, 1))
    assert error.value.field == "until"
    assert "more than 24" in error.value.message


def test_24_meetings_until_a_date_are_fine():
    dates = series_dates(Rule(WEEKLY), date(2026, 1, 6), until=date(2026, 6, 16))
    assert len(dates) == 24


def test_a_series_ending_before_it_starts_is_refused():
    with pytest.raises(ScheduleError) as error:
        series_dates(FIRST_TUESDAY, date(2026, 9, 1), until=date(2026, 8, 1))
    assert error.value.field == "until"


def test_a_series_with_no_meeting_in_its_dates_is_refused():
    with pytest.raises(ScheduleError, match="No meeting"):
        series_dates(FIRST_TUESDAY, date(2026, 9, 2), until=date(2026, 9, 30))


@pytest.mark.parametrize(("count", "until"), [(None, None), (3, date(2027, 1, 1))])
def test_a_series_needs_a_count_or_a_last_date(count, until):
    with pytest.raises(ScheduleError, match="not both"):
        series_dates(FIRST_TUESDAY, date(2026, 9, 1), count=count, until=until)


def test_a_series_past_the_end_of_the_calendar_is_refused():
    with pytest.raises(ScheduleError, match="end of the calendar"):
        series_dates(Rule(MONTHLY_DATE, interval=12), date(9990, 1, 1), count=24)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (dict(frequency="fortnightly"), "frequency"),
        (dict(frequency=WEEKLY, interval=0), "interval"),
        (dict(frequency=WEEKLY, interval=13), "interval"),
        (dict(frequency=MONTHLY_WEEKDAY, ordinal=5, weekday=1), "ordinal"),
        (dict(frequency=MONTHLY_WEEKDAY, ordinal=1, weekday=7), "weekday"),
    ],
)
def test_an_impossible_rule_is_refused(rule, field):
    with pytest.raises(ScheduleError) as error:
        Rule(**rule)
    assert error.value.field == field


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "../../etc/passwd", "europe/london"])
def test_an_unknown_time_zone_is_refused(name):
    with pytest.raises(ScheduleError) as error:
        zone(name)
    assert error.value.field == "time_zone"
    assert "not a time zone we know" in error.value.message


@pytest.mark.parametrize("ends", [time(17), time(18)])
def test_a_meeting_must_end_after_it_starts(ends):
    with pytest.raises(ScheduleError) as error:
        meeting_times([date(2026, 9, 1)], time(18), ends, LONDON, now=LONG_AGO)
    assert error.value.field == "ends"


def test_the_first_meeting_must_be_in_the_future():
    now = datetime(2026, 9, 1, 17, 30, tzinfo=UTC)  # 18:30 in London
    with pytest.raises(ScheduleError) as error:
        meeting_times([date(2026, 9, 1)], time(18), time(20), LONDON, now=now)
    assert error.value.field == "date"
    assert "already passed" in error.value.message
    assert meeting_times([date(2026, 9, 1)], time(19), time(20), LONDON, now=now)


def test_a_time_the_clocks_skip_is_refused():
    # At 01:00 on 28 March 2027 London's clocks jump to 02:00.
    with pytest.raises(ScheduleError, match="clocks go forward"):
        meeting_times([date(2027, 3, 28)], time(1, 30), time(3), LONDON, now=LONG_AGO)


@pytest.mark.parametrize(
    ("rule", "first", "words"),
    [
        (FIRST_TUESDAY, date(2026, 9, 1), "The first Tuesday of every month"),
        (LAST_FRIDAY, date(2026, 9, 25), "The last Friday of every month"),
        (Rule(WEEKLY, interval=6), date(2026, 9, 15), "Every 6 weeks on Tuesday"),
        (Rule(WEEKLY), date(2026, 9, 15), "Every week on Tuesday"),
        (Rule(MONTHLY_DATE, interval=2), date(2026, 9, 15), "Day 15 of every 2 months"),
    ],
)
def test_a_rule_in_words(rule, first, words):
    assert rule.describe(first) == words
