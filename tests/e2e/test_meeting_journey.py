"""The meeting page (docs/architecture.md#the-meeting-page-and-optimistic-concurrency), in the
browser: the facilitator runs a meeting end to end from the meeting page: attendance at
check-in, report-backs on last time's actions, two presenters with the airtime timer, an
action for each, the process review, and marking the meeting held. Each state is scanned with
axe; one screenshot is taken at a tablet's size.

Every save shows where it was made whether it was stored; taps made with the network gone
wait in the page and are all stored once it returns; a server failure is shown with a retry;
the presenter on the clock stays in view; and no console error or Content-Security-Policy
violation happens along the way."""

import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from sessions.services import running as meeting_services

TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
LONDON = ZoneInfo("Europe/London")
AT_LEAST_TWO_SECONDS = re.compile(r"^(?!0:0[01]$)\d+:\d\d$")


def leaving_is_held_back(page):
    """Whether the page asks before it is closed or left (its beforeunload handler)."""
    return page.evaluate(
        "() => { const leaving = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(leaving); return leaving.defaultPrevented }"
    )


def save_status(form_area):
    return form_area.locator("[data-save-status]")


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
    page, live_server, running, sign_in, axe_check, shot, problems
):
    meeting, maya, rosa, pat = running.meeting, running.member, running.rosa, running.pending
    sign_in(page, live_server, running.facilitator)
    # The meeting under way is "now" on the home page and on the schedule, a link away.
    now = page.get_by_role("region", name="Now")
    expect(now).to_contain_text("Set Alpha")
    expect(now.get_by_role("link", name=re.compile("^Open the meeting"))).to_have_attribute(
        "href", f"/meetings/{meeting.pk}/"
    )
    axe_check(page)
    shot(page, "home-meeting-now")
    expect(page.get_by_role("region", name="Coming up")).not_to_contain_text(
        meeting.starts_at.astimezone(LONDON).strftime("%H:%M") + "–"
    )
    page.goto(f"{live_server.url}/sets/{running.learning_set.pk}/meetings/")
    local_start = meeting.starts_at.astimezone(LONDON)
    now = page.get_by_role("region", name="Now")
    expect(now.get_by_role("listitem")).to_have_count(1)
    expect(now).to_contain_text(f"{local_start:%A} {local_start.day} {local_start:%B %Y}")
    axe_check(page)
    now.get_by_role("link", name=re.compile("^Open the meeting")).click()

    expect(page).to_have_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator("h1")).to_contain_text("Set Alpha meeting")
    expect(page.locator("h1")).to_contain_text("Now")
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
        expect(save_status(row)).to_have_text(f"Saved: {status}.")
    expect(attendance).to_contain_text("2 of 3 here")
    assert not leaving_is_held_back(page)

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
        # The bar keeps them in view, and an action recorded now is theirs unless changed.
        expect(page.get_by_role("region", name="Presenting now")).to_contain_text(person.name)
        expect(
            page.get_by_role("region", name="Actions agreed").get_by_label("Owner")
        ).to_have_value(str(person.pk))
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
        expect(slot.locator(".badge", has_text="Presenting")).to_have_count(0)
        expect(page.get_by_role("region", name="Presenting now")).to_be_hidden()
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
    assert problems == []


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
    expect(links).to_have_text(
        ["Attendance", "Report-backs", "Bids", "Airtime", "Actions", "Review"]
    )

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


def test_taps_made_offline_wait_in_the_page_and_are_all_stored_when_the_network_returns(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    meeting, maya, rosa, pat = running.meeting, running.member, running.rosa, running.pending
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    attendance = page.get_by_role("region", name="Attendance")
    rows = {person: attendance.locator(f"#attendance-row-{person.pk}") for person in (maya, rosa)}
    rows[pat] = attendance.locator(f"#attendance-row-{pat.pk}")
    with saving(page, "attendance"):
        rows[maya].get_by_text("Absent", exact=True).click()
    expect(save_status(rows[maya])).to_have_text("Saved: Absent.")

    # The hotel's wifi goes: every tap stays in the page, marked as not saved yet.
    page.context.set_offline(True)
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    taps = ((maya, "Present"), (rosa, "Late"), (pat, "Absent"), (maya, "Left early"))
    for person, status in taps:
        rows[person].get_by_text(status, exact=True).click()
        expect(save_status(rows[person])).to_contain_text("Not saved yet")
    airtime = page.get_by_role("region", name="Airtime")
    add = airtime.locator("form", has=page.get_by_role("button", name="Add presenter"))
    add.get_by_label("Presenter").select_option(label=rosa.name)
    add.get_by_label("Topic").fill("A restructure my deputy does not support")
    add.get_by_role("button", name="Add presenter").click()
    expect(save_status(add)).to_contain_text("Not saved yet")

    for person in (maya, rosa, pat):
        expect(rows[person].locator("form")).to_have_attribute("data-save-state", "queued")
    expect(rows[maya].get_by_role("radio", name="Left early")).to_be_checked()
    assert sent == []
    assert dict(meeting.attendance.values_list("user", "status")) == {maya.pk: "absent"}
    assert not AirtimeSlot.objects.filter(meeting=meeting).exists()
    assert leaving_is_held_back(page)
    axe_check(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "meeting-offline")

    # Back online, the waiting taps go in the order they were made, and each says so.
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/airtime/")
    ) as last:
        page.context.set_offline(False)
    assert last.value.status == 200
    for person, status in ((maya, "Left early"), (rosa, "Late"), (pat, "Absent")):
        expect(save_status(rows[person])).to_have_text(f"Saved: {status}.")
        expect(rows[person].get_by_role("radio", name=status, exact=True)).to_be_checked()
    expect(airtime.locator("li", has_text="A restructure my deputy")).to_be_visible()
    expect(attendance).to_contain_text("2 of 3 here")
    assert not leaving_is_held_back(page)

    assert dict(meeting.attendance.values_list("user", "status")) == {
        maya.pk: Attendance.Status.LEFT_EARLY,
        rosa.pk: Attendance.Status.LATE,
        pat.pk: Attendance.Status.ABSENT,
    }
    slot = AirtimeSlot.objects.get(meeting=meeting)
    assert (slot.presenter, slot.topic) == (rosa, "A restructure my deputy does not support")
    meeting.refresh_from_db()
    # One save for the tap online, one for each row and one for the presenter: no conflicts.
    assert meeting.revision == 5
    assert problems == []


def test_a_server_failure_is_shown_where_it_happened_and_a_retry_stores_it(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    meeting, maya, rosa = running.meeting, running.member, running.rosa
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    failures = ["busy", "unreachable", "silent"]
    unanswered = []
    # A save the server never answers fails after htmx's timeout, shortened here.
    page.evaluate("htmx.config.timeout = 1500")

    def answer(route):
        failure = failures.pop(0) if failures else None
        if failure is None:
            route.continue_()
        elif failure == "busy":
            route.fulfill(status=503, content_type="text/plain", body="database is locked")
        elif failure == "unreachable":
            route.abort("connectionrefused")
        else:
            unanswered.append(route)

    page.route(f"**/meetings/{meeting.pk}/attendance/", answer)
    attendance = page.get_by_role("region", name="Attendance")
    maya_row = attendance.locator(f"#attendance-row-{maya.pk}")
    rosa_row = attendance.locator(f"#attendance-row-{rosa.pk}")
    pat_row = attendance.locator(f"#attendance-row-{running.pending.pk}")

    maya_row.get_by_text("Present", exact=True).click()
    expect(save_status(maya_row)).to_contain_text("Not saved: the server was busy (error 503).")
    expect(maya_row.locator("form")).to_have_attribute("data-save-state", "failed")
    rosa_row.get_by_text("Late", exact=True).click()
    expect(save_status(rosa_row)).to_contain_text("Not saved: the server could not be reached.")
    pat_row.get_by_text("Absent", exact=True).click()
    expect(save_status(pat_row)).to_have_text("Saving…")
    expect(save_status(pat_row)).to_contain_text(
        "Not saved: the server did not answer in time.", timeout=5000
    )
    assert len(unanswered) == 1
    # Nothing was stored, the page says so, and leaving asks first.
    assert not meeting.attendance.exists()
    assert leaving_is_held_back(page)
    expect(attendance).to_contain_text("0 of 3 here")
    axe_check(page)
    page.evaluate("window.scrollTo(0, 0)")
    full_page = shot(page, "meeting-save-failed")
    maya_row.screenshot(path=full_page.with_name("meeting-save-failed-row.png"))

    for row, status in ((maya_row, "Present"), (rosa_row, "Late"), (pat_row, "Absent")):
        with saving(page, "attendance"):
            save_status(row).get_by_role("button", name="Retry").click()
        expect(save_status(row)).to_have_text(f"Saved: {status}.")
        expect(row.get_by_role("radio", name=status, exact=True)).to_be_checked()
    expect(attendance).to_contain_text("2 of 3 here")
    assert not leaving_is_held_back(page)
    assert dict(meeting.attendance.values_list("user", "status")) == {
        maya.pk: Attendance.Status.PRESENT,
        rosa.pk: Attendance.Status.LATE,
        running.pending.pk: Attendance.Status.ABSENT,
    }
    # The only errors are the two failures this test made, as the browser and htmx report
    # them.
    unexpected = [
        p
        for p in problems
        if not re.search(
            r"503|ERR_CONNECTION_REFUSED|htmx:(sendError|responseError|timeout|afterRequest)", p
        )
    ]
    assert unexpected == []
    assert len(problems) >= 2


def test_the_presenter_on_the_clock_stays_in_view_at_every_width(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    maya, rosa = running.member, running.rosa
    AirtimeSlot.objects.create(
        meeting=running.meeting, presenter=rosa, order=0, planned_minutes=30, actual_seconds=300
    )
    AirtimeSlot.objects.create(
        meeting=running.meeting,
        presenter=maya,
        order=1,
        topic="Merging two teams",
        planned_minutes=40,
        actual_seconds=95,
        timer_started_at=timezone.now(),
    )
    sign_in(page, live_server, running.facilitator)
    for viewport in (DESKTOP, TABLET, PHONE):
        width, height = viewport["width"], viewport["height"]
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/meetings/{running.meeting.pk}/")
        bar = page.get_by_role("region", name="Presenting now")
        expect(bar).to_contain_text(maya.name)
        expect(bar).to_contain_text("of 40 min")

        # Every section is reachable from the menu, which wraps rather than hides any.
        sections = page.get_by_role("navigation", name="Meeting sections")
        for link in sections.get_by_role("link").all():
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, link.inner_text())
        if width == DESKTOP["width"]:
            # The five attendance choices sit in one row in their column.
            row = page.locator(f"#attendance-row-{maya.pk}")
            tops = {round(label.bounding_box()["y"]) for label in row.locator("label").all()}
            assert len(tops) == 1, f"attendance choices on {len(tops)} rows at {width}"
        axe_check(page)
        full_page = shot(page, f"meeting-live-{width}")

        # Typing an action far down the page, the presenter and their time stay in view,
        # above the field, and the action is already theirs.
        actions = page.get_by_role("region", name="Actions agreed")
        expect(actions.get_by_label("Owner")).to_have_value(str(maya.pk))
        text = actions.get_by_role("textbox", name=re.compile("^Action"))
        text.click()
        text.press_sequentially("Meet each team lead one-to-one")
        bar_box, text_box = bar.bounding_box(), text.bounding_box()
        assert bar_box["y"] >= 0 and bar_box["y"] + bar_box["height"] <= height, width
        assert text_box["y"] >= bar_box["y"] + bar_box["height"], width
        timer = bar.locator("[data-timer]")
        shown = timer.inner_text()
        expect(timer).not_to_have_text(shown, timeout=3000)
        page.screenshot(path=full_page.with_name(f"meeting-live-{width}-typing.png"))

        # The last sections are a tap away on the phone too.
        sections.get_by_role("link", name="Review").click()
        heading = page.get_by_role("heading", name="Process review")
        expect(heading).to_be_in_viewport()
        assert heading.bounding_box()["y"] >= bar.bounding_box()["y"] + bar_box["height"]
    assert problems == []


def test_a_meeting_ahead_is_changed_or_cancelled_from_its_page(
    page, live_server, running, sign_in, axe_check
):
    ahead = running.next_time
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{ahead.pk}/")
    expect(page.locator("h1")).to_contain_text("Scheduled")
    axe_check(page)
    page.get_by_role("link", name="Change the meeting").click()
    expect(page).to_have_url(f"{live_server.url}/meetings/{ahead.pk}/edit/")
    expect(page.locator("h1")).to_contain_text("Change the meeting of")
    page.go_back()
    page.get_by_role("link", name="Cancel the meeting").click()
    expect(page).to_have_url(f"{live_server.url}/meetings/{ahead.pk}/cancel/")
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel the meeting").click()
    ahead.refresh_from_db()
    assert ahead.status == Meeting.Status.CANCELLED

    # The meeting under way offers neither.
    page.goto(f"{live_server.url}/meetings/{running.meeting.pk}/")
    expect(page.get_by_role("link", name="Change the meeting")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel the meeting")).to_have_count(0)


def test_a_second_tap_while_the_first_is_on_its_way_is_stored_too(
    page, live_server, running, sign_in, problems
):
    """Tapping a row again before the server has answered the first tap: the second choice
    waits for the answer, is made again on the redrawn row, and is stored."""
    meeting, maya = running.meeting, running.member
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(f"**/meetings/{meeting.pk}/attendance/", hold_the_first)
    row = page.locator(f"#attendance-row-{maya.pk}")
    row.get_by_text("Present", exact=True).click()
    expect(save_status(row)).to_have_text("Saving…")
    assert len(held) == 1
    row.get_by_text("Late", exact=True).click()
    expect(save_status(row)).to_have_text("Saving…")
    assert leaving_is_held_back(page)

    held[0].continue_()
    expect(save_status(row)).to_have_text("Saved: Late.")
    expect(row.get_by_role("radio", name="Late", exact=True)).to_be_checked()
    assert dict(meeting.attendance.values_list("user", "status")) == {maya.pk: "late"}
    meeting.refresh_from_db()
    assert meeting.revision == 2
    assert not leaving_is_held_back(page)
    assert problems == []


def test_taps_that_waited_offline_do_not_overwrite_a_change_made_meanwhile(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    """Back online, the first waiting tap meets a save someone else made while the tablet
    was offline: the conflict is shown, nothing is overwritten, and the taps still waiting
    are marked not saved, each with a retry."""
    meeting, maya, rosa, pat = running.meeting, running.member, running.rosa, running.pending
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    attendance = page.get_by_role("region", name="Attendance")
    maya_row = attendance.locator(f"#attendance-row-{maya.pk}")
    rosa_row = attendance.locator(f"#attendance-row-{rosa.pk}")
    pat_row = attendance.locator(f"#attendance-row-{pat.pk}")

    page.context.set_offline(True)
    maya_row.get_by_text("Present", exact=True).click()
    rosa_row.get_by_text("Late", exact=True).click()
    expect(save_status(rosa_row)).to_contain_text("Not saved yet")
    # Meanwhile a co-facilitator, on another device, marks Pat absent.
    meeting_services.record_attendance(
        meeting, member=pat, status="absent", revision=meeting.revision, by=running.facilitator
    )

    with page.expect_response(lambda r: r.url.endswith("/attendance/")) as first:
        page.context.set_offline(False)
    assert first.value.status == 409
    expect(attendance.get_by_role("alert")).to_contain_text("Someone else changed this meeting")
    expect(pat_row.get_by_role("radio", name="Absent", exact=True)).to_be_checked()
    expect(maya_row.get_by_role("radio", name="Present", exact=True)).not_to_be_checked()
    expect(save_status(maya_row)).to_contain_text("Not saved: someone else changed")
    expect(save_status(rosa_row)).to_contain_text(
        "Not saved: someone else changed this meeting while this waited"
    )
    expect(rosa_row.get_by_role("radio", name="Late", exact=True)).to_be_checked()
    expect(rosa_row.locator("form")).to_have_attribute("data-save-state", "failed")
    assert dict(meeting.attendance.values_list("user", "status")) == {pat.pk: "absent"}
    assert leaving_is_held_back(page)
    axe_check(page)
    attendance.screenshot(path=shot(page, "meeting-offline-conflict"))

    with saving(page, "attendance"):
        save_status(rosa_row).get_by_role("button", name="Retry").click()
    expect(save_status(rosa_row)).to_have_text("Saved: Late.")
    assert dict(meeting.attendance.values_list("user", "status")) == {
        pat.pk: "absent",
        rosa.pk: "late",
    }
    assert not leaving_is_held_back(page)
    # The conflict is the browser's only complaint: a 409 answer it reports.
    assert [p for p in problems if "409" not in p] == []
