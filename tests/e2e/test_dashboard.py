"""The dashboard (docs/signals.md#the-dashboard), in the browser: after an action is carried
forward at two meetings in a row, the facilitator sees the prompt on the dashboard, follows
its evidence and marks it raised; a member who was at the meeting answers the anonymous
pulse."""

import re

import pytest
from playwright.sync_api import expect

from sessions.inaction.reconcile import detect_inaction
from sessions.models import InactionPrompt, PulseReceipt, PulseTally
from tests.sessions.builders import action, attend, held_meetings, next_meeting, report, slot


@pytest.fixture
def carried(world):
    """Set Alpha's last three meetings, the latest two days ago: Maya committed to an action
    at the first and carried it forward at the next two."""
    world.meetings = held_meetings(world.learning_set, 3, last_days_ago=2)
    for meeting in world.meetings:
        attend(meeting, world.member)
        attend(meeting, world.pending)
        slot(meeting, world.member, minutes=45)
        slot(meeting, world.pending, minutes=30)
    m1, m2, m3 = world.meetings
    world.action = action(m1, world.member, "Raise the merger with the CFO")
    report(world.action, m2, "carried")
    report(world.action, m3, "carried")
    next_meeting(world.learning_set)
    detect_inaction(world.learning_set)
    return world


def test_the_facilitator_raises_a_carried_action(
    page, live_server, carried, sign_in, axe_check, shot
):
    sign_in(page, live_server, carried.facilitator)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    expect(page).to_have_url(f"{live_server.url}/sets/{carried.learning_set.pk}/dashboard/")
    expect(page.locator("h1")).to_have_text("Set Alpha: dashboard")
    prompt = page.locator("article", has_text="Carried action: Maya Member")
    expect(prompt).to_contain_text("carried forward at 2 meetings in a row")
    expect(prompt).to_contain_text("What might we be avoiding together")
    expect(prompt).to_contain_text("Or, to one person: What are you avoiding")
    airtime = page.get_by_role("img", name="Share of airtime over the last 3 meetings")
    expect(airtime).to_be_visible()
    axe_check(page)
    shot(page, "dashboard-facilitator")

    prompt.get_by_role("link", name=re.compile(r"^Meeting on")).last.click()
    expect(page).to_have_url(f"{live_server.url}/meetings/{carried.meetings[2].pk}/")
    expect(page.locator("main")).to_contain_text("Raise the merger with the CFO")
    page.go_back()

    prompt = page.locator("article", has_text="Carried action: Maya Member")
    prompt.get_by_text("Mark raised…").click()
    prompt.get_by_label("Raised at the meeting on").select_option(str(carried.meetings[2].pk))
    prompt.get_by_label("Note (optional)").fill("Maya will ask the CFO for a date this week.")
    prompt.get_by_role("button", name="Mark raised", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Marked as raised at the meeting on")
    expect(page.locator("article", has_text="Carried action: Maya Member")).to_have_count(0)
    page.get_by_text("Recently raised or dismissed (1)").click()
    expect(page.locator("main")).to_contain_text("Maya will ask the CFO for a date this week.")
    axe_check(page)
    shot(page, "dashboard-prompt-raised")
    raised = InactionPrompt.objects.get(signal="carried_action")
    assert (raised.status, raised.raised_at_meeting) == ("raised", carried.meetings[2])


def test_a_member_answers_the_pulse(page, live_server, carried, sign_in, axe_check, shot):
    meeting = carried.meetings[2]
    sign_in(page, live_server, carried.member)

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/pulse/")

    expect(page.locator("h1")).to_have_text("How safe did the set feel?")
    expect(page.locator("main")).to_contain_text("Anonymous, by design")
    axe_check(page)
    shot(page, "pulse-form")
    # The seven points read in order: side by side in one row on a wide screen, one per line on
    # a tablet or phone; never a ragged run that wraps mid-scale.
    first = page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio")
    expect(first).to_have_count(7)
    for width, rows in ((1280, 1), (992, 1), (768, 7), (390, 7)):
        page.set_viewport_size({"width": width, "height": 900})
        points = [first.nth(index).bounding_box() for index in range(7)]
        assert len({round(point["y"]) for point in points}) == rows, width
        if rows == 7:
            assert len({round(point["x"]) for point in points}) == 1
    page.set_viewport_size({"width": 1280, "height": 720})
    for number in range(1, 8):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        answer = "Somewhat disagree" if number in (1, 3, 5) else "Agree"
        group.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page.locator(".messages")).to_contain_text("Your answers are in")
    expect(page.locator("main")).to_contain_text("You have answered this pulse")
    axe_check(page)
    shot(page, "pulse-answered")
    assert PulseReceipt.objects.filter(meeting=meeting, user=carried.member).count() == 1
    counted = PulseTally.objects.filter(meeting=meeting, count=1).values_list("item", "point")
    assert sorted(counted) == [(1, 3), (2, 6), (3, 3), (4, 6), (5, 3), (6, 6), (7, 6)]

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/pulse/results/")
    expect(page.locator("main")).to_contain_text("Not enough responses yet")
    axe_check(page)
    shot(page, "pulse-results-waiting")


def test_the_attendance_key_reads_in_full_on_a_phone(page, live_server, carried, sign_in, shot):
    """The attendance grid scrolls sideways on a narrow screen; its key of marks stays below it,
    whole, in the width of the page rather than the width of the grid."""
    sign_in(page, live_server, carried.facilitator)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/sets/{carried.learning_set.pk}/dashboard/")

    key = page.locator("#attendance-key")
    expect(key).to_contain_text("✓ present · L late · E left early · A apologies · ✗ absent")
    grid = page.get_by_role("table", name="Attendance at each meeting held")
    expect(grid).to_have_attribute("aria-describedby", "attendance-key")
    box = key.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    scroller = grid.locator("xpath=..")
    wrapper = scroller.bounding_box()
    assert wrapper is not None and box["x"] + box["width"] <= wrapper["x"] + wrapper["width"]
    shot(page, "dashboard-attendance-390")
