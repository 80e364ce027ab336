"""Prompts by idea in the browser (docs/product.md#prompts): the facilitator filters the
library to the safe-enough prompts, poses one to their set in their own words, and a member
finds it on their Prompts page and writes against it. Each page is scanned with axe and shot
at 1280, 768 and 390 px."""

import pytest
from playwright.sync_api import expect

from reflections.models import IDEA_IN_PLAIN_WORDS, Idea, JournalEntry, Prompt
from tests.reflections.factories import ensure_library

SIZES = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}
RISKED = "What did I risk saying in the set?"
POSED = "What did you risk saying in the set today?"


@pytest.fixture
def library(transactional_db):
    # Browser tests empty the database after each test, data migrations included.
    return ensure_library()


def every_size(page, axe_check, shot, name):
    page.mouse.move(0, 0)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_facilitator_poses_a_safe_enough_prompt_and_a_member_writes_against_it(
    page, browser, browser_context_args, live_server, world, library, sign_in, axe_check, shot
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}/journal/prompts/")
    filters = page.get_by_role("navigation", name="Filter the library by idea")
    filters.get_by_role("link", name="Safe-enough spaces").click()

    expect(filters.get_by_role("link", name="Safe-enough spaces")).to_have_attribute(
        "aria-current", "page"
    )
    main = page.locator("main")
    expect(main).to_contain_text(IDEA_IN_PLAIN_WORDS[Idea.SAFE_ENOUGH])
    expect(main).to_contain_text("What would I say if I felt safer?")
    expect(main).not_to_contain_text("What are you avoiding?")
    every_size(page, axe_check, shot, "prompts-safe-enough")

    card = page.locator("li.card", has_text=RISKED)
    card.get_by_role("link", name="Pose this to Set Alpha").click()
    expect(page.locator("h1")).to_have_text("Pose a prompt to Set Alpha")
    expect(page.get_by_label("Question")).to_have_value(RISKED)
    expect(page.get_by_label("The idea it speaks to")).to_have_value("safe_enough")
    every_size(page, axe_check, shot, "prompt-pose-from-library")
    page.get_by_label("Question").fill(POSED)
    page.get_by_role("button", name="Pose the prompt").click()
    expect(page.locator("main")).to_contain_text("Nobody, you included, will see who writes")
    posed = Prompt.objects.get(learning_set=world.learning_set)
    assert (posed.question, posed.idea) == (POSED, Idea.SAFE_ENOUGH)

    member = browser.new_context(**browser_context_args).new_page()
    member.set_viewport_size({"width": 1280, "height": 800})
    sign_in(member, live_server, world.member)
    member.goto(f"{live_server.url}/journal/prompts/")
    card = member.locator("li.card", has_text=POSED)
    expect(card).to_contain_text("Safe-enough spaces")
    expect(member.locator("main")).not_to_contain_text("Pose this to")
    every_size(member, axe_check, shot, "prompts-member-posed")
    card.get_by_role("link", name="Write against this prompt").click()
    expect(member.get_by_label("Set", exact=True)).to_have_value(str(world.learning_set.pk))
    member.get_by_label("Title").fill("What I risked")
    member.get_by_label("Reflection").fill("I said I did not know how to lead the merger.")
    member.get_by_role("button", name="Save entry").click()
    expect(member.locator("h1")).to_have_text("What I risked")

    entry = JournalEntry.objects.get(author=world.member)
    assert entry.prompt == posed
