"""A value story in the browser: a member reports back on their action, tells a value story on
the report-back and shares it with the programme without their name, finds it on "My value
stories" from the account menu, and takes the consent back; the facilitator reads the story
with the report-back. Another, told on closing review words, is deleted after a confirm step.
Each page is scanned with axe at 1280, 768 and 390 pixels wide."""

import re

from playwright.sync_api import expect

from sessions.models import Action, ValueStory
from sessions.queries import consented_stories
from sets.models import ClosingReview, ClosingReviewEntry
from tests.sessions.factories import MeetingFactory, days_from_now

WIDTHS = (1280, 768, 390)
STORY = "My team now plans the rota with me, and sick days fell by a third."


def scan_at_each_width(page, axe_check, shot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_tells_a_value_story_shares_it_anonymised_and_takes_it_back(
    page, live_server, world, sign_in, axe_check, shot
):
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    coming = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=coming,
        text="Ask the team to redesign the rota",
    )

    sign_in(page, live_server, world.member)
    page.goto(f"{live_server.url}/actions/")
    page.get_by_role("link", name=re.compile("Write my report-back")).click()
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save my report-back").click()
    expect(page.locator(".messages")).to_contain_text("Report-back saved")

    page.get_by_role("link", name=re.compile("Add a value story")).click()
    expect(page.locator("h1")).to_have_text("Tell a value story")
    expect(page.locator("main")).to_contain_text("It changed what I think success is.")
    scan_at_each_width(page, axe_check, shot, "value-story-form")
    page.get_by_label("What difference is the set making, and for whom?").fill(STORY)
    page.get_by_label("Applied value: I did something differently.").check()
    page.get_by_label(re.compile("the programme without my name")).check()
    page.get_by_role("button", name="Save my value story").click()
    expect(page.locator(".messages")).to_contain_text(
        "The programme may read it, without your name"
    )
    expect(page.locator("main")).to_contain_text(STORY)
    [shared] = consented_stories(world.programme)
    assert (shared.text, shared.author_name) == (STORY, None)

    page.get_by_role("button", name=re.compile("Account menu")).click()
    page.get_by_role("link", name="My value stories").click()
    story = page.get_by_role("article")
    expect(story).to_contain_text(STORY)
    expect(story).to_contain_text("Shared with the programme, without your name")
    scan_at_each_width(page, axe_check, shot, "my-value-stories")
    # On a phone the long status wraps inside its card instead of running past it.
    page.set_viewport_size({"width": 390, "height": 900})
    badge = story.get_by_text("Shared with the programme, without your name").bounding_box()
    card = story.bounding_box()
    assert badge is not None and card is not None
    assert badge["x"] + badge["width"] <= card["x"] + card["width"] - 16
    page.set_viewport_size({"width": 1280, "height": 900})

    story.get_by_label(re.compile("Only the set: it is read beside your report-back")).check()
    story.get_by_role("button", name="Save who may read it").click()
    expect(page.locator(".messages")).to_contain_text("Saved: Only the set reads it.")
    expect(page.get_by_role("article")).to_contain_text("Kept in the set")
    assert consented_stories(world.programme) == []
    assert ValueStory.objects.get().consent == "none"
    scan_at_each_width(page, axe_check, shot, "my-value-stories-withdrawn")

    page.context.clear_cookies()
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}/meetings/{coming.pk}/")
    panel = page.locator("#report-backs-panel")
    expect(panel).to_contain_text(STORY)
    expect(panel).to_contain_text("Value story · Applied value")


def test_a_member_tells_a_value_story_on_their_closing_review(
    page, live_server, world, sign_in, axe_check, shot
):
    review = ClosingReview.objects.create(
        learning_set=world.learning_set, opened_by=world.facilitator
    )
    ClosingReviewEntry.objects.create(
        review=review, author=world.member, learned="To ask first.", keep_doing="Asking."
    )
    sign_in(page, live_server, world.member)
    page.goto(f"{live_server.url}/sets/{world.learning_set.pk}/closing-review/")
    page.get_by_role("link", name="Add a value story").click()
    page.get_by_label("What difference is the set making, and for whom?").fill(STORY)
    page.get_by_label("Reframing value: It changed what I think success is.").check()
    page.get_by_label(re.compile("the programme with my name")).check()
    page.get_by_role("button", name="Save my value story").click()
    expect(page.locator(".messages")).to_contain_text("The programme may read it, with your name")
    entry = page.get_by_role("article", name="Maya Member")
    expect(entry).to_contain_text(STORY)
    expect(entry).to_contain_text("Reframing value")
    expect(page.get_by_role("link", name="Change my value story")).to_be_visible()
    scan_at_each_width(page, axe_check, shot, "closing-review-value-story")
    assert [s.author_name for s in consented_stories(world.programme)] == ["Maya Member"]

    # Then she deletes it from its change page, after a confirm step: it leaves the
    # evaluation report at once.
    page.get_by_role("link", name="Change my value story").click()
    expect(page.locator("h1")).to_have_text("Change your value story")
    scan_at_each_width(page, axe_check, shot, "value-story-change")
    page.get_by_role("link", name="Delete the story").click()
    expect(page.locator("h1")).to_have_text("Delete your value story?")
    expect(page.locator("main")).to_contain_text("leaves the programme's evaluation report")
    scan_at_each_width(page, axe_check, shot, "value-story-delete")
    page.get_by_role("button", name="Delete the story").click()
    expect(page.locator(".messages")).to_contain_text("Your value story is deleted.")
    expect(page.locator("main")).not_to_contain_text(STORY)
    assert consented_stories(world.programme) == []
    assert not ValueStory.objects.exists()
