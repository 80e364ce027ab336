"""Apologies (docs/product.md#attendance), in the browser: a member sends apologies for the
next meeting from its page and sees them recorded with the time they sent them; the
facilitator sees them on the meeting page, with that time, in the attendance they take at
check-in."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Attendance
from tests.sessions.builders import attend
from tests.sessions.factories import MeetingFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def next_meeting(world):
    """Set Alpha's next meeting, in two weeks, with its attendance not yet recorded."""
    meeting = MeetingFactory(learning_set=world.learning_set)
    for person in (world.member, world.pending):
        attend(meeting, person, status="")
    return meeting


def long_date(moment):
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def test_a_member_sends_apologies_and_the_facilitator_sees_them(
    page, new_context, live_server, world, next_meeting, sign_in, axe_check, shot
):
    meeting, member = next_meeting, world.member
    starts = meeting.starts_at.astimezone(LONDON)
    sign_in(page, live_server, member)
    page.get_by_role("link", name=f"Open {world.learning_set.name}").click()
    page.get_by_role("region", name="Schedule").get_by_role(
        "link", name=f"{starts:%a} {starts.day} {starts:%b %Y}"
    ).click()

    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/")
    own = page.get_by_role("region", name="Your attendance")
    expect(own).to_contain_text("If you can’t come, send apologies")
    axe_check(page)
    shot(page, "apologies-before")

    before = timezone.now()
    own.get_by_role("button", name=f"Send apologies for {long_date(meeting.starts_at)}").click()

    expect(page.locator(".messages")).to_contain_text(
        "Apologies sent. Your facilitator sees them on the meeting page."
    )
    row = Attendance.objects.get(meeting=meeting, user=member)
    assert row.status == Attendance.Status.APOLOGIES
    assert before - timedelta(seconds=1) <= row.apologies_sent_at <= timezone.now()
    assert row.recorded_by == member
    sent = row.apologies_sent_at.astimezone(LONDON)
    own = page.get_by_role("region", name="Your attendance")
    expect(own).to_contain_text(
        f"You sent apologies on {long_date(sent)} at {sent:%H:%M}. Changed your plans?"
    )
    expect(
        own.get_by_role("button", name=f"Withdraw my apologies for {long_date(meeting.starts_at)}")
    ).to_be_visible()
    axe_check(page)
    shot(page, "apologies-sent")

    facilitator_page = new_context().new_page()
    sign_in(facilitator_page, live_server, world.facilitator)
    facilitator_page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    attendance = facilitator_page.get_by_role("region", name="Attendance")
    maya = attendance.locator(f"#attendance-row-{member.pk}")
    expect(maya).to_contain_text(f"Apologies sent {sent.day} {sent:%b} at {sent:%H:%M}")
    expect(maya.get_by_role("radio", name="Apologies", exact=True)).to_be_checked()
    pat = attendance.locator(f"#attendance-row-{world.pending.pk}")
    expect(pat).not_to_contain_text("Apologies sent")
    expect(pat.get_by_role("radio", checked=True)).to_have_count(0)
    expect(attendance).to_contain_text("1 of 2 coming; 1 sent apologies")
    axe_check(facilitator_page)
    shot(facilitator_page, "apologies-facilitator")
