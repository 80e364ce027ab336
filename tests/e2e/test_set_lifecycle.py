"""The set's own review and its ending, in the browser: after a meeting a member and the
facilitator add to its process review, and the facilitator sees it on the dashboard; then the
facilitator opens the closing review, a member records theirs, and the set closes read-only.
Each page is scanned with axe at 1280 and 390 pixels wide."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Meeting
from sets.models import LearningSet
from tests.sessions.factories import MeetingFactory

WIDTHS = (1280, 390)


@pytest.fixture
def held(world):
    start = timezone.now() - timedelta(days=2)
    world.meeting = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=Meeting.Status.HELD,
    )
    return world


def scan_at_each_width(page, axe_check, shot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_members_add_to_the_review_and_the_facilitator_sees_it(
    page, live_server, held, sign_in, axe_check, shot
):
    sign_in(page, live_server, held.member)
    page.goto(f"{live_server.url}/meetings/{held.meeting.pk}/")
    review = page.get_by_role("region", name="The set’s review")
    expect(review).to_contain_text("Nobody has added to the review yet.")
    review.get_by_label("How did we work today?").fill("We asked before we advised.")
    review.get_by_label("What will we do differently?").fill("Let the presenter finish first.")
    review.get_by_role("button", name="Add to the review").click()
    expect(page.locator(".messages")).to_contain_text("the set can read it")
    review = page.get_by_role("region", name="The set’s review")
    expect(review).to_contain_text("Let the presenter finish first.")
    scan_at_each_width(page, axe_check, shot, "set-review-member")

    page.context.clear_cookies()
    sign_in(page, live_server, held.facilitator)
    page.goto(f"{live_server.url}/meetings/{held.meeting.pk}/")
    review = page.get_by_role("region", name="The set’s review")
    expect(review).to_contain_text("We asked before we advised.")
    review.get_by_label("What will we do differently?").fill("Start on time.")
    review.get_by_role("button", name="Add to the review").click()
    expect(page.locator(".messages")).to_contain_text("the set can read it")

    page.goto(f"{live_server.url}/sets/{held.learning_set.pk}/dashboard/")
    themes = page.get_by_role("region", name="The set’s reviews")
    expect(themes).to_contain_text("Let the presenter finish first.")
    expect(themes).to_contain_text("Start on time.")
    expect(themes.locator("tbody tr")).to_have_count(1)
    scan_at_each_width(page, axe_check, shot, "set-review-dashboard")


def test_the_set_closes_with_a_closing_review(page, live_server, world, sign_in, axe_check, shot):
    set_url = f"{live_server.url}/sets/{world.learning_set.pk}/"
    sign_in(page, live_server, world.facilitator)
    page.goto(set_url)
    # Two members: the set page says so, as a warning only.
    expect(page.get_by_role("note", name="The set’s size")).to_contain_text("fewer than 4")
    scan_at_each_width(page, axe_check, shot, "set-page-lifecycle")
    page.get_by_role("link", name="Close set").click()
    expect(page.locator("main")).to_contain_text("End with a closing review?")
    scan_at_each_width(page, axe_check, shot, "closing-offer")
    page.get_by_role("button", name="Open the closing review first").click()
    expect(page.locator(".messages")).to_contain_text("The closing review is open")
    expect(page.locator("h1")).to_have_text("The closing review of Set Alpha")

    page.context.clear_cookies()
    sign_in(page, live_server, world.member)
    page.goto(set_url)
    page.get_by_role("link", name="Closing review").click()
    page.get_by_label("What I learned").fill("To ask one more question before advising.")
    page.get_by_label("What I will keep doing").fill("Writing an action after hard meetings.")
    page.get_by_label("A story of the difference the set made (optional)").fill(
        "The set asked what I was avoiding; I had the conversation with my CFO."
    )
    page.get_by_role("button", name="Save my closing review").click()
    expect(page.locator(".messages")).to_contain_text("Your closing review is saved")
    entries = page.get_by_role("region", name="What the set said")
    expect(entries).to_contain_text("I had the conversation with my CFO.")
    scan_at_each_width(page, axe_check, shot, "closing-review-member")

    page.context.clear_cookies()
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{set_url}closing-review/")
    expect(page.locator("main")).to_contain_text("I had the conversation with my CFO.")
    page.get_by_role("link", name="Close the set…").click()
    expect(page.locator("main")).to_contain_text("1 person has written theirs")
    page.get_by_role("button", name="Close the set").click()
    expect(page.locator(".messages")).to_contain_text("is closed")
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.CLOSED

    page.context.clear_cookies()
    sign_in(page, live_server, world.member)
    page.goto(f"{set_url}closing-review/")
    expect(page.locator("main")).to_contain_text("read-only")
    expect(page.locator("main")).to_contain_text("I had the conversation with my CFO.")
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    scan_at_each_width(page, axe_check, shot, "closing-review-closed")
