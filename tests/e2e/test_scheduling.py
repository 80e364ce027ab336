"""Scheduling (docs/product.md#meetings), in the browser: a facilitator schedules "the first
Tuesday of every month, six times" at 18:00 through the series form and sees the six meetings
on the schedule; a member turns on their private calendar feed, and the feed, read back with
icalendar, holds the six meetings at 18:00 local time on both sides of the change to summer
time, with stable UIDs."""

import re
from datetime import date, time
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import CalendarFeed, Meeting
from tests.sessions.ics import parse_ics

LONDON = ZoneInfo("Europe/London")


def first_tuesdays_from_january():
    """Six first Tuesdays from next January: three in winter time, three in summer time."""
    year = timezone.localdate().year + 1
    days = []
    for month in range(1, 7):
        first = date(year, month, 1)
        days.append(first.replace(day=1 + (1 - first.weekday()) % 7))
    return days


def test_a_facilitator_schedules_a_monthly_series_and_a_member_subscribes(
    page, new_context, playwright, live_server, world, sign_in, axe_check, shot
):
    learning_set = world.learning_set
    expected_days = first_tuesdays_from_january()
    sign_in(page, live_server, world.facilitator)
    axe_check(page)

    page.get_by_role("link", name=f"Open {learning_set.name}").click()
    schedule = page.get_by_role("region", name="Schedule")
    expect(schedule).to_contain_text("No meetings coming up.")
    axe_check(page)
    shot(page, "scheduling-set-empty")

    schedule.get_by_role("link", name="Schedule a series").click()
    expect(page.locator("h1")).to_have_text(
        f"Schedule a series of meetings for {learning_set.name}"
    )
    page.get_by_role("textbox", name=re.compile("^First meeting")).fill(
        f"{expected_days[0].year}-01-01"
    )
    page.get_by_label("Monthly on a weekday, such as the first Tuesday").check()
    page.get_by_label("Repeat every").fill("1")
    page.get_by_label("Which one in the month").select_option(label="First")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Number of meetings").fill("6")
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("21:00")
    expect(page.get_by_label("Time zone")).to_have_value(world.programme.time_zone)
    page.get_by_label("Place").fill("Northfield House, Room 4")
    axe_check(page)
    shot(page, "scheduling-series-form")
    page.get_by_role("button", name="Schedule the series").click()

    expect(page).to_have_url(f"{live_server.url}/sets/{learning_set.pk}/meetings/")
    expect(page.locator(".messages")).to_contain_text(
        "Series scheduled: The first Tuesday of every month, 6 meetings"
    )
    coming_up = page.get_by_role("region", name="Coming up").get_by_role("listitem")
    expect(coming_up).to_have_count(6)
    for item, day in zip(coming_up.all(), expected_days, strict=True):
        expect(item).to_contain_text(f"Tuesday {day.day} {day:%B %Y}")
        expect(item).to_contain_text("18:00–21:00")
    axe_check(page)
    shot(page, "scheduling-series-scheduled")

    meetings = list(Meeting.objects.filter(learning_set=learning_set).order_by("starts_at"))
    assert [m.starts_at.astimezone(LONDON).date() for m in meetings] == expected_days
    assert {m.starts_at.astimezone(LONDON).time() for m in meetings} == {time(18)}
    # Winter meetings are at 18:00 UTC, summer ones at 17:00 UTC: the local time holds.
    assert [m.starts_at.hour for m in meetings] == [18, 18, 18, 17, 17, 17]
    assert len({m.series_id for m in meetings}) == 1

    member_page = new_context().new_page()
    sign_in(member_page, live_server, world.member)
    member_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My calendar"
    ).click()
    expect(member_page.locator("h1")).to_have_text("My calendar")
    expect(member_page.get_by_role("region", name="Your next meetings")).to_contain_text(
        learning_set.name
    )
    axe_check(member_page)
    shot(member_page, "scheduling-my-calendar-off")

    member_page.get_by_role("button", name="Create my calendar address").click()
    expect(member_page.locator(".messages")).to_contain_text(
        "Your private calendar address is ready"
    )
    address = member_page.get_by_role("textbox", name="Calendar address")
    expect(address).to_have_value(re.compile(r"/calendar/feed/[\w-]+\.ics$"))
    axe_check(member_page)
    shot(member_page, "scheduling-my-calendar-on")

    feed_url = address.input_value()
    assert feed_url.startswith(live_server.url)
    token = CalendarFeed.objects.get(user=world.member).token
    assert token in feed_url

    # As a calendar app fetches it: signed out, with only the secret in the address.
    calendar_app = playwright.request.new_context()

    def read_feed():
        response = calendar_app.get(feed_url, fail_on_status_code=True)
        assert response.headers["content-type"].startswith("text/calendar")
        return sorted(parse_ics(response.body()), key=lambda event: event.decoded("dtstart"))

    events = read_feed()
    assert len(events) == 6
    local_starts = [event.decoded("dtstart").astimezone(LONDON) for event in events]
    assert [start.date() for start in local_starts] == expected_days
    assert {start.time() for start in local_starts} == {time(18)}
    assert {event.decoded("dtend").astimezone(LONDON).time() for event in events} == {time(21)}
    assert [str(event["uid"]) for event in events] == [f"{m.uid}@alsspace" for m in meetings]
    assert {str(event["location"]) for event in events} == {"Northfield House, Room 4"}
    assert {str(event["status"]) for event in events} == {"CONFIRMED"}
    assert [str(event["uid"]) for event in read_feed()] == [str(event["uid"]) for event in events]
    calendar_app.dispose()
