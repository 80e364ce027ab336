"""A presenter closes their airtime slot as "learning noted, no action" on the meeting page,
as the meeting runs (docs/product.md#learning-noted-no-action); the facilitator sees it on
the slot, and opens it again. Each state is scanned with axe and shot at
1280, 768 and 390 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import AirtimeSlot
from tests.sessions.factories import MeetingFactory

SIZES = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}
TOPIC = "The restructure I keep putting off"


@pytest.fixture
def running(world):
    """A meeting of Set Alpha under way, with Maya's slot just timed."""
    world.meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(minutes=40)
    )
    world.slot = AirtimeSlot.objects.create(
        meeting=world.meeting, presenter=world.member, order=0, topic=TOPIC, actual_seconds=1260
    )
    return world


@pytest.fixture
def problems(page):
    found = []
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def every_size(page, axe_check, shot, name):
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        axe_check(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_presenter_closes_their_slot_as_learning_noted(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    meeting, maya, slot = running.meeting, running.member, running.slot
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, maya)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")

    airtime = page.locator("#airtime-panel")
    expect(airtime).to_contain_text(TOPIC)
    every_size(page, axe_check, shot, "learning-noted-presenter-before")

    # The presenter's page posts the form and comes back to the airtime, saying so.
    airtime.get_by_role("button", name="Close: learning noted, no action").click()
    expect(page.locator("main")).to_contain_text("The slot is closed: learning noted, no action.")
    airtime = page.locator("#airtime-panel")
    expect(airtime).to_contain_text("Learning noted, no action")
    expect(airtime).to_contain_text("Closed by you")
    expect(airtime.get_by_role("button", name="Open again")).to_be_visible()
    every_size(page, axe_check, shot, "learning-noted-presenter-after")
    slot.refresh_from_db()
    assert slot.learning_noted_by == maya

    # The facilitator sees it on the slot, and opens it again in place (htmx).
    page.context.clear_cookies()
    sign_in(page, live_server, running.facilitator)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    airtime = page.locator("#airtime-panel")
    expect(airtime).to_contain_text("Learning noted, no action")
    expect(airtime).to_contain_text("Closed by Maya Member")
    every_size(page, axe_check, shot, "learning-noted-facilitator")
    with page.expect_response(lambda r: r.url.endswith("/airtime/noted/") and r.ok):
        airtime.get_by_role("button", name="Open again").click()
    expect(
        page.locator("#airtime-panel").get_by_role(
            "button", name="Close: learning noted, no action"
        )
    ).to_be_visible()
    expect(page.locator("#airtime-panel")).not_to_contain_text("Closed by")
    slot.refresh_from_db()
    assert slot.learning_noted_at is None
    assert problems == []
