"""A set-wide prompt in the browser (docs/signals.md#the-collective-signals): after three
meetings where the same members took airtime in the same order, the facilitator finds the
prompt on the dashboard with its question to the set and its meetings as evidence, follows
one, and dismisses the prompt with a note. Every page visited is scanned with axe."""

import re

import pytest
from playwright.sync_api import expect

from sessions.inaction.reconcile import detect_inaction
from sessions.models import InactionPrompt
from tests.e2e.conftest import SCREENSHOTS
from tests.sessions.builders import add_members, attend_all, held_meetings, next_meeting, slot


@pytest.fixture
def same_order(world):
    """Set Alpha's last three meetings, the same three presenters in the same order."""
    others = add_members(world.learning_set, 2, world.contract)
    people = [world.member, *others]
    world.meetings = held_meetings(world.learning_set, 3, last_days_ago=2)
    attend_all(world.meetings, people)
    for meeting in world.meetings:
        for person in people:
            slot(meeting, person, minutes=30)
    next_meeting(world.learning_set)
    detect_inaction(world.learning_set)
    return world


def test_the_facilitator_reads_and_dismisses_a_set_wide_prompt(
    page, live_server, same_order, sign_in, axe_check, shot
):
    sign_in(page, live_server, same_order.facilitator)
    page.goto(f"{live_server.url}/sets/{same_order.learning_set.pk}/dashboard/")

    prompt = page.locator("article", has=page.get_by_role("heading", name="Same airtime order"))
    expect(prompt).to_contain_text("took airtime in the same order at the last 3 meetings")
    expect(prompt).to_contain_text("What does our usual order protect us from")
    expect(prompt.get_by_role("link", name=re.compile(r"^Meeting on"))).to_have_count(3)
    expect(page.locator("main")).to_contain_text("the same airtime order at 3 meetings in a row")
    axe_check(page)
    for width, height in ((1280, 900), (768, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"dashboard-set-wide-prompt-{width}")
        prompt.screenshot(path=SCREENSHOTS / f"set-wide-prompt-card-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    prompt.get_by_role("link", name=re.compile(r"^Meeting on")).first.click()
    expect(page).to_have_url(f"{live_server.url}/meetings/{same_order.meetings[0].pk}/")
    page.go_back()

    prompt = page.locator("article", has=page.get_by_role("heading", name="Same airtime order"))
    prompt.get_by_text("Dismiss with a note…").click()
    dismiss = prompt.get_by_role("form", name="Dismiss this prompt")
    dismiss.get_by_role("textbox").fill("We agreed to draw lots for the order from now on.")
    dismiss.get_by_role("button", name="Dismiss", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Prompt dismissed.")
    expect(
        page.locator("article", has=page.get_by_role("heading", name="Same airtime order"))
    ).to_have_count(0)
    axe_check(page)
    dismissed = InactionPrompt.objects.get(signal="same_airtime_order")
    assert dismissed.status == "dismissed"
    assert dismissed.facilitator_note == "We agreed to draw lots for the order from now on."
