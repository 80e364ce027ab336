"""Issue 3 §6, in the browser: the facilitator runs a meeting end to end from the meeting
page: attendance at check-in, report-backs on last time's actions, two presenters with the
airtime timer, an action for each, the process review, and marking the meeting held. Each
state is scanned with axe; one screenshot is taken at a tablet's size."""

import re
from contextlib import contextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.builders import action, attend
from tests.sessions.factories import MeetingFactory, days_from_now

TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 720}
LONDON = ZoneInfo("Europe/London")
AT_LEAST_TWO_SECONDS = re.compile(r"^(?!0:0[01]$)\d+:\d\d$")


@pytest.fixture
def running(world):
    """Set Alpha's meeting that started an hour ago, the one before it (held four weeks ago,
    where Maya and Rosa each committed to an action) and the next one, a month ahead."""
    world.rosa = MembershipFactory(learning_set=world.learning_set, user__name="Rosa Reyes").user
    ContractAcceptanceFactory(contract=world.contract, user=world.rosa)
    world.last_time = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    world.meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    world.next_time = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(28))
    for person in (world.member, world.rosa):
        attend(world.last_time, person)
    world.maya_action = action(
        world.last_time,
        world.member,
        "Ask the finance director what the board fears about the merger",
        due_meeting=world.meeting,
    )
    world.rosa_action = action(
        world.last_time,
        world.rosa,
        "Hand the weekly rota over to the two team leads",
        due_meeting=world.meeting,
    )
    return world


@contextmanager
def saving(page, endpoint):
    """Wait for the page's post to `endpoint` and check it was saved: not refused (400) nor
    in conflict with another save (409)."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/{endpoint}/")
    ) as answer:
        yield
    response = answer.value
    assert response.status == 200, f"{response.url} answered {response.status}"


def test_the_facilitator_runs_a_meeting_end_to_end(
    page, live_server, running, sign_in, axe_check, shot
):
    meeting, maya, rosa, pat = running.meeting, running.member, running.rosa, running.pending
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/sets/{running.learning_set.pk}/meetings/")
    local_start = meeting.starts_at.astimezone(LONDON)
    page.get_by_role("region", name="Coming up").get_by_role(
        "link", name=f"{local_start:%A} {local_start.day} {local_start:%B %Y}", exact=True
    ).click()

    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator("h1")).to_contain_text("Set Alpha meeting")
    expect(page.locator("h1")).to_contain_text("Scheduled")
    # Before check-in, the actions due at this meeting are already there to prepare from.
    coming_up = page.get_by_role("region", name="Report-backs")
    for due in (running.maya_action, running.rosa_action):
        expect(coming_up.locator(f"#report-back-{due.pk}")).to_contain_text("Not marked present")
    expect(coming_up.get_by_role("button", name="Save report-back")).to_have_count(0)
    expect(page.get_by_role("region", name="Airtime")).to_contain_text("No presenters yet")
    axe_check(page)
    shot(page, "meeting-start")

    # Check-in: each member's choice saves as it is made.
    attendance = page.get_by_role("region", name="Attendance")
    for person, status in ((maya, "Present"), (rosa, "Late"), (pat, "Absent")):
        row = attendance.locator(f"#attendance-row-{person.pk}")
        with saving(page, "attendance"):
            row.get_by_text(status, exact=True).click()
        expect(row.get_by_role("radio", name=status, exact=True)).to_be_checked()
    expect(attendance).to_contain_text("2 of 3 here")

    # Last time's actions come up for those who are here.
    report_backs = page.get_by_role("region", name="Report-backs")
    maya_report = report_backs.locator(f"#report-back-{running.maya_action.pk}")
    rosa_report = report_backs.locator(f"#report-back-{running.rosa_action.pk}")
    expect(maya_report).to_contain_text(running.maya_action.text)
    expect(rosa_report).to_contain_text(running.rosa_action.text)
    axe_check(page)
    shot(page, "meeting-attendance")

    maya_report.get_by_text("Done", exact=True).click()
    maya_report.get_by_label("Learning or value note").fill(
        "The board fears losing the community contracts, not the cost."
    )
    with saving(page, "report-backs"):
        maya_report.get_by_role("button", name="Save report-back").click()
    expect(maya_report).to_contain_text("Saved as “done”")

    rosa_report.get_by_text("Carried forward", exact=True).click()
    with saving(page, "report-backs"):
        rosa_report.get_by_role("button", name="Save report-back").click()
    expect(rosa_report).to_contain_text("Saved as “carried forward”")
    expect(rosa_report).to_contain_text("Carried forward 1 time")
    axe_check(page)
    shot(page, "meeting-report-backs")

    # Airtime: two presenters, each timed.
    airtime = page.get_by_role("region", name="Airtime")
    for person, topic, minutes in (
        (maya, "Merging two teams without losing the good people", "40"),
        (rosa, "A restructure my deputy does not support", "35"),
    ):
        add = airtime.locator("form", has=page.get_by_role("button", name="Add presenter"))
        add.get_by_label("Presenter").select_option(label=person.name)
        add.get_by_label("Topic").fill(topic)
        add.get_by_label("Planned minutes").fill(minutes)
        with saving(page, "airtime"):
            add.get_by_role("button", name="Add presenter").click()
        expect(airtime.locator("li", has_text=topic)).to_be_visible()
    expect(airtime).to_contain_text("75 min planned")

    for index, person in enumerate((maya, rosa)):
        slot = airtime.locator("li", has_text=person.name).first
        timer = slot.get_by_role("timer", name=f"Time used by {person.name}")
        with saving(page, "airtime"):
            slot.get_by_role("button", name=f"Start timer for {person.name}").click()
        expect(slot).to_contain_text("Presenting")
        # The clock ticks in the page; two seconds shown means more than one has passed.
        expect(timer).to_have_text(AT_LEAST_TWO_SECONDS, timeout=10_000)
        if index == 0:
            axe_check(page)
            shot(page, "meeting-timer-running")
            page.set_viewport_size(TABLET)
            axe_check(page)
            shot(page, "meeting-tablet-timer-running")
            page.set_viewport_size(DESKTOP)
        with saving(page, "airtime"):
            slot.get_by_role("button", name=f"Stop timer for {person.name}").click()
        expect(slot.get_by_role("button", name=f"Resume timer for {person.name}")).to_be_visible()
        expect(slot).not_to_contain_text("Presenting")
        # Stopped, it shows the time recorded, and no longer ticks.
        expect(timer).not_to_have_text("0:00")
        stopped_at = timer.inner_text()
        page.wait_for_timeout(1500)
        expect(timer).to_have_text(stopped_at)

    # An action for each presenter, as they commit to it.
    actions = page.get_by_role("region", name="Actions agreed")
    for person, text in (
        (maya, "Meet each team lead one-to-one before the announcement"),
        (rosa, "Ask my deputy what she would need to support the change"),
    ):
        actions.get_by_label("Owner").select_option(label=person.name)
        actions.get_by_role("textbox", name=re.compile("^Action")).fill(text)
        with saving(page, "actions"):
            actions.get_by_role("button", name="Record action").click()
        expect(actions.locator("li", has_text=text)).to_contain_text(person.name)
    axe_check(page)
    shot(page, "meeting-actions")

    review = page.get_by_role("region", name="Process review")
    review.get_by_label("Review note").fill(
        "Good questions, little advice. Rosa arrived late; we started without a check-in round."
    )
    with saving(page, "review"):
        review.get_by_role("button", name="Save review").click()
    expect(review.get_by_label("Review note")).to_have_value(re.compile("^Good questions"))
    expect(review.get_by_role("status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Mark as held").click()
    expect(page.locator(".messages")).to_contain_text("The meeting is marked as held.")
    expect(page.locator("h1")).to_contain_text("Held")
    expect(page.get_by_role("region", name="Close the meeting")).to_contain_text(
        "This meeting is marked as held."
    )
    # Held: the record can be corrected, but nothing more is timed or presented.
    airtime = page.get_by_role("region", name="Airtime")
    expect(airtime.get_by_role("button", name=re.compile("timer"))).to_have_count(0)
    expect(airtime.get_by_role("button", name="Add presenter")).to_have_count(0)
    expect(airtime.get_by_role("timer")).to_have_count(2)
    expect(page.get_by_role("button", name="Record action")).to_be_visible()
    expect(page.get_by_role("button", name="Save review")).to_be_visible()
    axe_check(page)
    shot(page, "meeting-held")

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.process_review.startswith("Good questions, little advice.")
    assert dict(meeting.attendance.values_list("user", "status")) == {
        maya.pk: Attendance.Status.PRESENT,
        rosa.pk: Attendance.Status.LATE,
        pat.pk: Attendance.Status.ABSENT,
    }
    assert set(meeting.attendance.values_list("recorded_by", flat=True)) == {running.facilitator.pk}

    slots = list(AirtimeSlot.objects.filter(meeting=meeting).order_by("order"))
    assert [(s.presenter, s.planned_minutes) for s in slots] == [(maya, 40), (rosa, 35)]
    assert all(s.actual_seconds >= 1 and s.timer_started_at is None for s in slots)

    committed = list(Action.objects.filter(committed_at=meeting).order_by("pk"))
    assert [(a.owner, a.slot) for a in committed] == [(maya, slots[0]), (rosa, slots[1])]
    assert {a.due_meeting for a in committed} == {running.next_time}

    reports = ReportBack.objects.filter(meeting=meeting)
    assert dict(reports.values_list("action", "outcome")) == {
        running.maya_action.pk: ReportBack.Outcome.DONE,
        running.rosa_action.pk: ReportBack.Outcome.CARRIED,
    }
    running.maya_action.refresh_from_db()
    running.rosa_action.refresh_from_db()
    assert running.maya_action.status == Action.Status.DONE
    assert (
        running.rosa_action.status,
        running.rosa_action.carry_count,
        running.rosa_action.due_meeting,
    ) == (Action.Status.OPEN, 1, running.next_time)


LONG_TOPIC = (
    "How to merge two teams after the Hartley acquisition without losing the good people, "
    "when the board wants it done by spring and half the managers are already looking elsewhere"
)


def test_each_clock_stays_beside_its_presenter_at_any_width(
    page, live_server, running, sign_in, axe_check, shot
):
    """A long topic wraps in its own column: the clock, with the button that starts or stops
    it beneath, stays at the right of the presenter's first line, in line with the other
    clocks."""
    maya, rosa = running.member, running.rosa
    AirtimeSlot.objects.create(
        meeting=running.meeting,
        presenter=maya,
        order=0,
        topic=LONG_TOPIC,
        planned_minutes=40,
        actual_seconds=95,
        timer_started_at=timezone.now(),
    )
    AirtimeSlot.objects.create(
        meeting=running.meeting, presenter=rosa, order=1, topic="Rota", planned_minutes=35
    )
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{running.meeting.pk}/")
    airtime = page.get_by_role("region", name="Airtime")

    for viewport in (DESKTOP, {"width": 1024, "height": 768}, TABLET):
        page.set_viewport_size(viewport)
        right_edges = set()
        for number, person in enumerate((maya, rosa), start=1):
            slot = airtime.get_by_role("listitem").filter(has_text=f"{number}. {person.name}")
            row = slot.bounding_box()
            name = slot.get_by_text(f"{number}. {person.name}").bounding_box()
            timer = slot.get_by_role("timer").bounding_box()
            button = slot.get_by_role(
                "button", name=re.compile(f"^(Start|Stop|Resume) timer for {person.name}$")
            ).bounding_box()
            width = viewport["width"]
            assert abs(timer["x"] + timer["width"] - (row["x"] + row["width"])) < 2, width
            assert timer["y"] < name["y"] + name["height"], f"clock below the topic at {width}"
            # The button sits right under its clock, their right edges in line.
            assert abs(button["x"] + button["width"] - (timer["x"] + timer["width"])) < 2, width
            assert 0 <= button["y"] - (timer["y"] + timer["height"]) < 40, width
            right_edges.add(round(timer["x"] + timer["width"]))
        assert len(right_edges) == 1, f"clocks out of line at {viewport['width']}: {right_edges}"
        axe_check(page)
        shot(page, f"meeting-airtime-{viewport['width']}")


def test_the_sections_are_a_jump_away_on_a_tablet(
    page, live_server, running, sign_in, axe_check, shot
):
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{running.meeting.pk}/")
    sections = page.get_by_role("navigation", name="Meeting sections")
    links = sections.get_by_role("link")
    expect(links).to_have_text(["Attendance", "Report-backs", "Airtime", "Actions", "Review"])

    # Each link shows a clear ring when reached from the keyboard.
    links.first.focus()
    page.keyboard.press("Tab")
    expect(links.nth(1)).to_be_focused()
    ring = links.nth(1).evaluate("link => getComputedStyle(link).outlineStyle")
    assert ring == "solid"

    links.get_by_text("Airtime", exact=True).click()
    expect(page).to_have_url(re.compile("#airtime-panel$"))
    heading = page.get_by_role("heading", name="Airtime", exact=True)
    expect(heading).to_be_in_viewport()
    # The links stay at the top of the screen, and the panel starts below them.
    nav_box = sections.bounding_box()
    assert abs(nav_box["y"]) < 1
    assert heading.bounding_box()["y"] >= nav_box["y"] + nav_box["height"]
    axe_check(page)
    full_page = shot(page, "meeting-tablet-sections")
    page.screenshot(path=full_page.with_name("meeting-tablet-sections-in-view.png"))
