"""The contract the set negotiates (docs/product.md#contracts), in the browser: a member
proposes a change and says why; the facilitator adopts it as a minor change, and the member
is not locked out; a material edit asks the member to accept again, and shows them what
changed; the history and the difference between versions are readable, on a desktop and on a
phone. Then the facilitator changes a report-back a member wrote: the page says so and asks
first (docs/product.md#actions-and-report-backs)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Action, Attendance, ReportBack
from sessions.services import running
from sets.models import Contract
from tests.sessions.factories import MeetingFactory, days_from_now

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

RULES = (
    "1. Confidentiality. What is said in the set stays in the set.\n\n"
    "2. Attendance. We send apologies before the day.\n\n"
    "3. Devices. Phones stay away while the set is working."
)
PROPOSED = RULES.replace(
    "We send apologies before the day.", "We send apologies to the facilitator before the day."
)
REASON = "Apologies in the group chat get missed."


@pytest.fixture
def contract(world):
    Contract.objects.filter(pk=world.contract.pk).update(text=RULES)
    world.contract.refresh_from_db()
    return world.contract


def both_widths(page, name, axe_check, shot):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        axe_check(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_a_member_proposes_a_change_adopted_as_minor_then_a_material_edit(
    page, new_context, live_server, world, contract, sign_in, axe_check, shot
):
    learning_set = world.learning_set
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.member)
    page.goto(f"{live_server.url}/sets/{learning_set.pk}/contract/")
    page.get_by_role("link", name="Propose a change").click()
    expect(page.get_by_role("heading", name="Propose a change to the contract")).to_be_visible()
    page.get_by_label("Why do you propose this change?").fill(REASON)
    page.get_by_label("The contract as you propose it").fill(PROPOSED)
    both_widths(page, "amendment-propose", axe_check, shot)
    page.get_by_role("button", name="Send the proposal to the set").click()

    expect(page.locator(".messages")).to_contain_text("Your proposal is with the set.")
    change = page.get_by_role("region", name="What it changes in version 1")
    expect(change.locator("ins")).to_contain_text("to the facilitator")
    expect(change).to_contain_text("1 paragraph reworded.")
    both_widths(page, "amendment-proposed", axe_check, shot)

    facilitator = new_context().new_page()
    facilitator.set_viewport_size(DESKTOP)
    sign_in(facilitator, live_server, world.facilitator)
    facilitator.goto(f"{live_server.url}/sets/{learning_set.pk}/contract/")
    proposals = facilitator.get_by_role("region", name="Proposed changes")
    expect(proposals).to_contain_text("Waiting for the facilitator's decision")
    both_widths(facilitator, "contract-with-proposal", axe_check, shot)
    proposals.get_by_role("link", name="Proposed by Maya Member").click()
    expect(facilitator.get_by_role("region", name="Why")).to_contain_text(REASON)
    adopt = facilitator.get_by_role("region", name="Adopt it")
    adopt.get_by_label("Minor: wording only.").check()
    adopt.get_by_label("What changed, and why (optional)").fill("Maya's wording; same rule.")
    both_widths(facilitator, "amendment-decide", axe_check, shot)
    adopt.get_by_role("button", name="Adopt as the next version").click()
    expect(facilitator.locator(".messages")).to_contain_text(
        "Version 2 of the contract is saved as a minor change."
    )
    assert Contract.objects.filter(learning_set=learning_set).latest().change == "minor"

    # The member is still in: the set's page does not ask them to accept again.
    page.goto(f"{live_server.url}/sets/{learning_set.pk}/contract/")
    expect(page.get_by_text("You have accepted version 2 of this contract.")).to_be_visible()
    expect(page.get_by_role("button", name="I accept this contract")).to_have_count(0)
    expect(page.get_by_role("region", name="Proposed changes")).to_contain_text(
        "Adopted as version 2 (minor)"
    )

    # A material edit: everyone accepts again, and sees what changed since.
    facilitator.get_by_role("link", name="Edit contract").click()
    facilitator.get_by_label("Ground rules").fill(
        PROPOSED + "\n\n4. Quorum. We meet when at least four of us can."
    )
    facilitator.get_by_label("Material: the rules change.").check()
    axe_check(facilitator)
    facilitator.get_by_role("button", name="Save as version 3").click()
    expect(facilitator.locator(".messages")).to_contain_text("saved as a material change")

    page.goto(f"{live_server.url}/sets/{learning_set.pk}/contract/")
    expect(page.get_by_text("You have not accepted this version yet.")).to_be_visible()
    page.get_by_role("link", name="See what changed since version 2, which you accepted").click()
    expect(
        page.get_by_role("heading", name="What changed from version 2 to version 3")
    ).to_be_visible()
    expect(page.locator(".contract-diff ins")).to_contain_text("Quorum")
    expect(page.locator(".contract-diff")).to_contain_text("Paragraph added")
    versions = page.locator("ol").filter(has_text="Version 1")
    expect(versions).to_contain_text("Minor change: wording only; acceptances carried over.")
    expect(versions).to_contain_text("Maya's wording; same rule.")
    # Until they accept again, the set's proposals are closed to them like its other content.
    expect(versions.get_by_role("link", name="Adopted from Maya Member’s proposal")).to_have_count(
        0
    )
    both_widths(page, "contract-history", axe_check, shot)

    page.get_by_label("From version", exact=True).select_option("1")
    page.get_by_label("To version", exact=True).select_option("3")
    page.get_by_role("button", name="Show the difference").click()
    expect(
        page.get_by_role("heading", name="What changed from version 1 to version 3")
    ).to_be_visible()

    page.get_by_role("link", name="Back to the contract").click()
    page.get_by_role("button", name="I accept this contract").click()
    expect(page.locator(".messages")).to_contain_text("you have accepted version 3")
    page.goto(f"{live_server.url}/sets/{learning_set.pk}/contract/history/")
    page.get_by_role("link", name="Adopted from Maya Member’s proposal").click()
    expect(page.get_by_role("region", name="The decision")).to_contain_text("adopted it on")


def test_the_facilitator_is_asked_before_changing_a_members_own_report_back(
    page, live_server, world, sign_in, axe_check, shot
):
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    Attendance.objects.create(meeting=meeting, user=world.member, status="present")
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=meeting,
        text="Ask the CFO for the real numbers",
    )
    running.write_own_report_back(
        action, outcome="partly", note="Got halfway: the CFO stalled", by=world.member
    )

    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    row = page.locator(f"#report-back-{action.pk}")
    expect(row).to_contain_text("Written by Maya")
    expect(row).to_contain_text("Maya wrote this report-back themselves.")
    row.get_by_text("Done", exact=True).click()
    row.get_by_role("button", name="Update report-back").click()
    panel = page.locator("#report-backs-panel")
    expect(panel.get_by_role("alert")).to_contain_text("Maya wrote this report-back themselves")
    assert ReportBack.objects.get().outcome == "partly"
    both_widths(page, "report-back-confirm", axe_check, shot)

    row = page.locator(f"#report-back-{action.pk}")
    row.get_by_label("Yes, change Maya’s own report-back").check()
    row.get_by_role("button", name="Update report-back").click()
    row = page.locator(f"#report-back-{action.pk}")
    expect(row).to_contain_text("Changed by Fay Facilitator")
    report = ReportBack.objects.get()
    assert (report.outcome, report.author, report.written_by) == (
        "done",
        world.member,
        world.facilitator,
    )
    axe_check(page)
    shot(page, "report-back-changed")
