"""A programme admin's housekeeping and a member's nudges, in the browser
(docs/product.md#nudges, docs/product.md#programme-housekeeping): the admin previews an
import and confirms it, and assigns someone already in the programme as a set's facilitator;
a member sees a notice on their home page, dismisses one and turns a kind off on their
notifications page. Every page is scanned with axe, at a desktop's width and a phone's."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Action, Meeting
from sessions.nudging import send_due_nudges
from sets.models import Invitation, Membership, Nudge, NudgeOptOut
from tests.sessions.factories import MeetingFactory

WIDTHS = [1280, 390]
CSV = """name,email,set,role
Amina Okafor,amina.okafor@example.org,Set Alpha,member
Ben Hughes,ben.hughes@example.org,Set Alpha,member
Carys Jones,carys.jones@example.org,Set Beta,member
"""


def at_each_width(page, axe_check, shot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def coming(world):
    """Set Alpha's next meeting in three days, with one of the member's actions due there."""
    start = (timezone.now() + timedelta(days=3)).replace(hour=9, minute=30, second=0)
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    earlier = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start - timedelta(days=28),
        ends_at=start - timedelta(days=28) + timedelta(hours=4),
        status=Meeting.Status.HELD,
    )
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=meeting,
        text="Talk to the CFO",
    )
    return meeting


def test_an_admin_previews_an_import_and_assigns_a_facilitator(
    page, live_server, world, mailoutbox, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}{world.programme.get_absolute_url()}")
    page.get_by_role("link", name="Import members from CSV").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Check the file").click()

    table = page.get_by_role("table", name="Who will be invited")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Carys Jones")
    warnings = page.get_by_role("note").filter(has_text="Worth a second look")
    expect(warnings).to_contain_text("Set Beta: The set has 1 member (1 more in this file)")
    expect(page.locator("main")).to_contain_text("Nothing has been sent yet.")
    at_each_width(page, axe_check, shot, "import-preview")
    assert not Invitation.objects.exists()
    assert mailoutbox == []

    page.get_by_role("button", name="Invite 3 people").click()
    expect(page.locator(".messages")).to_contain_text("Invited 3 people.")
    assert Invitation.objects.count() == 3

    # Set Beta has no facilitator: Fay, who facilitates Set Alpha, takes it on at once.
    page.goto(f"{live_server.url}{world.other_set.get_absolute_url()}")
    page.get_by_role("link", name="Assign a facilitator").first.click()
    expect(page.locator("h1")).to_have_text("Assign a facilitator to Set Beta")
    page.get_by_label("Who").select_option(label=f"Fay Facilitator ({world.facilitator.email})")
    at_each_width(page, axe_check, shot, "assign-facilitator")
    page.get_by_role("button", name="Make them facilitator").click()

    expect(page.locator(".messages")).to_contain_text(
        "Fay Facilitator is now the facilitator of Set Beta."
    )
    facilitators = page.get_by_role("region", name="People")
    expect(facilitators).to_contain_text("Fay Facilitator")
    at_each_width(page, axe_check, shot, "assign-facilitator-done")
    assert (
        Membership.objects.current().get(learning_set=world.other_set, user=world.facilitator).role
        == "facilitator"
    )
    told = {message.to[0] for message in mailoutbox}
    assert {world.facilitator.email, world.other_member.email} <= told


def test_a_member_sees_a_notice_and_turns_a_kind_off(
    page, live_server, world, coming, sign_in, axe_check, shot
):
    send_due_nudges()
    assert set(Nudge.objects.filter(person=world.member).values_list("kind", flat=True)) == {
        "bring_issue",
        "actions_due",
    }
    sign_in(page, live_server, world.member)
    notices = page.get_by_role("region", name="For you now")
    expect(notices).to_contain_text("You can bring an issue to it")
    expect(notices).to_contain_text("Your actions are due at Set Alpha")
    at_each_width(page, axe_check, shot, "home-notices")

    notices.get_by_role("link", name="Open the meeting of Set Alpha").click()
    expect(page).to_have_url(f"{live_server.url}{coming.get_absolute_url()}")
    page.go_back()

    # Dismissed, a notice is gone for good.
    page.get_by_role("listitem").filter(has_text="Your actions are due").get_by_role(
        "button", name="Dismiss"
    ).click()
    expect(notices).not_to_contain_text("Your actions are due")

    page.get_by_role("button", name="Account menu for Maya Member").click()
    page.get_by_role("link", name="Notifications").click()
    expect(page.locator("h1")).to_have_text("Notifications")
    at_each_width(page, axe_check, shot, "notifications")
    page.get_by_label("You can bring an issue to your set's next meeting").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".messages")).to_contain_text("Your choices are saved.")
    expect(
        page.get_by_label("You can bring an issue to your set's next meeting")
    ).not_to_be_checked()
    assert list(NudgeOptOut.objects.filter(person=world.member).values_list("kind", flat=True)) == [
        "bring_issue"
    ]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My sets").click()
    expect(page.get_by_role("region", name="For you now")).to_have_count(0)
    shot(page, "home-after-turning-off")
