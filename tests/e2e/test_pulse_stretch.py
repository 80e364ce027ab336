"""Stretch or danger, in the browser (docs/product.md#challenge, docs/signals.md#pulse-dip): a
programme admin rewords a pulse statement and switches challenge on; a member who was at the
meeting answers the new statements; once the pulse has closed, the facilitator's dashboard
reads the dip in safety beside high challenge as stretch, and the results show safety and
challenge apart, each with its margin. Every page is scanned with axe and shot at three
widths."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sessions import pulse
from sessions.inaction.reconcile import detect_inaction
from sessions.models import Meeting, PulseItem
from tests.sessions.builders import attend, held_meetings, pulse_answers, safe_pulse

WIDTHS = (1280, 768, 390)
SCREENSHOTS = Path(__file__).parents[2] / "test-results" / "screenshots"


@pytest.fixture
def shots(shot, axe_check):
    def shots(page, name):
        axe_check(page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            shot(page, f"{name}-{width}")
        page.set_viewport_size({"width": 1280, "height": 900})

    return shots


def test_an_admin_turns_challenge_on_and_the_facilitator_reads_stretch(
    page, live_server, world, sign_in, shots
):
    (earlier,) = held_meetings(world.learning_set, 1, last_days_ago=40)
    safe_pulse(earlier, 3, 6)  # safety 6.0, published before anything changes
    (meeting,) = held_meetings(world.learning_set, 1, last_days_ago=1)
    attend(meeting, world.member)

    sign_in(page, live_server, world.admin)
    page.goto(live_server.url + world.programme.get_absolute_url())
    page.get_by_role("link", name="Pulse statements").click()
    expect(page.locator("h1")).to_have_text("Pulse statements")
    shots(page, "pulse-statements")

    page.get_by_label("Also ask how far the set stretched its members").check()
    second = page.get_by_role("group", name="Statement 2")
    second.get_by_label("Statement", exact=True).fill(
        "Members of this set bring up problems and tough issues."
    )
    page.get_by_role("button", name="Save statements").click()
    expect(page.locator(".messages")).to_contain_text("Pulse statements saved.")
    expect(page.get_by_role("group", name="Statement 8 · challenge")).to_be_visible()
    shots(page, "pulse-statements-saved")
    asked = PulseItem.objects.filter(programme=world.programme, retired_at__isnull=True)
    assert [item.dimension for item in asked].count("challenge") == 2
    page.context.clear_cookies()

    sign_in(page, live_server, world.member)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/pulse/")
    expect(page.locator("h1")).to_contain_text("How far did it stretch you?")
    expect(page.locator("main")).to_contain_text("bring up problems and tough issues")
    shots(page, "pulse-form-challenge")
    statements = page.get_by_role("group", name=re.compile(r"^\d+\. "))
    expect(statements).to_have_count(9)
    for index in range(9):
        group = statements.nth(index)
        text = group.inner_text()
        if any(item.text in text for item in pulse.CHALLENGE_ITEMS):
            answer = "Strongly agree"
        elif any(item.text in text for item in pulse.ITEMS if item.reverse):
            answer = "Agree"  # reverse-scored: 3, less safe
        else:
            answer = "Neither agree nor disagree"
        group.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".messages")).to_contain_text("Your answers are in")
    page.context.clear_cookies()

    # Two more members answer the same way; then the pulse window passes.
    items = pulse.asked(meeting)
    same = {item.field: 7 if item.challenge else (6 if item.reverse else 4) for item in items}
    pulse_answers(meeting, [same, same], items)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - timedelta(days=10),
        ends_at=meeting.ends_at - timedelta(days=10),
    )
    detect_inaction(world.learning_set)

    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}/sets/{world.learning_set.pk}/dashboard/")
    prompt = page.locator("article", has_text="Pulse dip")
    expect(prompt).to_contain_text("reads as stretch")
    expect(prompt).to_contain_text("What is the stretch asking of the set")
    table = page.get_by_role("table", name="The pulse at each meeting held.")
    expect(table).to_contain_text("Challenge")
    expect(table).to_contain_text("± ")
    chart = page.get_by_role("img", name="The set’s pulse")
    expect(chart).to_have_accessible_name(re.compile(r"Challenge, .* the dashed line"))
    expect(chart.locator("polyline[stroke-dasharray]")).to_have_count(0)  # one meeting: a point
    expect(chart.locator("text", has_text="Challenge (how stretched)")).to_be_visible()
    shots(page, "dashboard-stretch")
    chart.screenshot(path=str(SCREENSHOTS / "dashboard-stretch-chart.png"))

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/pulse/results/")
    main = page.locator("main")
    expect(main).to_contain_text("how safe the set felt")
    expect(main).to_contain_text("how far the set stretched its members")
    expect(main).to_contain_text("largest standard error")
    expect(main).to_contain_text("a mean can easily be off")
    expect(page.get_by_role("heading", name="Safety")).to_be_visible()
    expect(page.get_by_role("heading", name="Challenge")).to_be_visible()
    shots(page, "pulse-results-challenge")
