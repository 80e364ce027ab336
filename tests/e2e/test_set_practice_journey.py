"""The set's own practice from start to end, in the browser (docs/product.md): a member bids
for airtime; at the meeting the facilitator marks who is here, orders the bids and shares out
equal time, and runs a slot in phases, moving on with one tap; after it, members add to the
set's review; a member proposes a change to the contract and the facilitator adopts it as minor,
so nobody is locked out; then the facilitator opens the closing review, a member records theirs,
and the set closes read-only. Every page is scanned with axe at 1280 and 390 pixels wide."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import AirtimeSlot, Meeting
from sets.models import LearningSet
from tests.e2e import test_bids_and_phases as bids_journey
from tests.e2e.test_bids_and_phases import DESKTOP, MAYA_PROBLEM, both_sizes, saved

# Set Alpha's next meeting, tomorrow; Rosa, a second member under the contract, has bid.
coming = bids_journey.coming
PROPOSED = f"{bids_journey.GROUND_RULE}\n\nWe ask questions before anyone gives advice."
LEARNED = "To ask one more question before I give advice."


def test_a_set_bids_meets_in_phases_reviews_amends_its_contract_and_closes(
    page, new_context, live_server, coming, sign_in, axe_check, shot
):
    world, meeting = coming, coming.meeting
    maya = page
    maya.set_viewport_size(DESKTOP)
    meeting_url = f"{live_server.url}{meeting.get_absolute_url()}"
    set_url = f"{live_server.url}/sets/{world.learning_set.pk}/"

    # Maya brings an issue before the meeting.
    sign_in(maya, live_server, world.member)
    maya.goto(meeting_url)
    bids = maya.get_by_role("region", name="Bids for this meeting")
    bids.get_by_label("The problem, in your own words").fill(MAYA_PROBLEM)
    bids.get_by_label("Questions to think with").check()
    bids.get_by_label("Minutes you ask for").fill("40")
    with maya.expect_navigation():
        bids.get_by_role("button", name="Bid for airtime").click()
    expect(maya.locator(".messages")).to_contain_text("Your bid is in.")
    both_sizes(maya, axe_check, shot, "journey-member-bid")

    # The meeting starts. The facilitator marks who is here, puts Maya's bid first and shares
    # out equal time among those present.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    fay = new_context().new_page()
    fay.set_viewport_size(DESKTOP)
    sign_in(fay, live_server, world.facilitator)
    fay.goto(meeting_url)
    attendance = fay.get_by_role("region", name="Attendance")
    for person in (world.member, world.rosa):
        with saved(fay, "attendance"):
            attendance.locator(f"#attendance-row-{person.pk}").get_by_text(
                "Present", exact=True
            ).click()
    expect(attendance).to_contain_text("2 of 3 here")
    bids = fay.get_by_role("region", name="Bids for this meeting")
    with saved(fay, "bid-plan"):
        bids.get_by_role("button", name="Move up Maya Member’s bid").click()
    expect(bids.locator("li").first).to_contain_text("Maya Member")
    share = bids.locator("form", has=fay.get_by_role("button", name="Share out equal time"))
    share.get_by_label("Minutes for airtime").fill("60")
    with saved(fay, "bid-plan"):
        share.get_by_role("button", name="Share out equal time").click()
    airtime = fay.get_by_role("region", name="Airtime")
    slots = airtime.locator("li[id^='slot-']")
    expect(slots).to_have_count(2)
    maya_slot = slots.nth(0)
    expect(maya_slot).to_contain_text(MAYA_PROBLEM)
    expect(maya_slot).to_contain_text("of 30 min planned")
    expect(slots.nth(1)).to_contain_text("of 30 min planned")
    both_sizes(fay, axe_check, shot, "journey-airtime-shared")

    # Maya's slot runs in phases on one timer; one tap moves on.
    maya_slot.get_by_text("Change the topic or time, run in phases, or remove").click()
    with saved(fay, "airtime"):
        maya_slot.get_by_role("button", name="Save phases for Maya Member’s slot").click()
    with saved(fay, "airtime"):
        maya_slot.get_by_role("button", name="Start timer for Maya Member").click()
    phases = maya_slot.get_by_role("list", name="Maya Member’s phases")
    expect(phases.locator("[aria-current=step]")).to_contain_text("Presenting")
    for step, next_step in (("questions", "Questions"), ("reflection", "Reflection")):
        with saved(fay, "airtime"):
            maya_slot.get_by_role("button", name=f"Move on to {step} for Maya Member").click()
        expect(phases.locator("[aria-current=step]")).to_contain_text(next_step)
    slot = AirtimeSlot.objects.get(presenter=world.member)
    assert slot.phase == "reflection" and slot.timer_started_at is not None
    both_sizes(fay, axe_check, shot, "journey-phases")

    # At the end the facilitator marks the meeting held: the set is now active.
    with fay.expect_navigation():
        fay.get_by_role("button", name="Mark as held").click()
    expect(fay.locator("#held-panel")).to_contain_text("This meeting is marked as held.")
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.ACTIVE

    # Members add to the set's review of the meeting; the facilitator reads it.
    maya.goto(meeting_url)
    review = maya.get_by_role("region", name="The set’s review")
    review.get_by_label("How did we work today?").fill("We asked before we advised.")
    review.get_by_label("What will we do differently?").fill("Let the presenter finish first.")
    review.get_by_role("button", name="Add to the review").click()
    expect(maya.locator(".messages")).to_contain_text("the set can read it")
    expect(maya.get_by_role("region", name="The set’s review")).to_contain_text(
        "Let the presenter finish first."
    )
    both_sizes(maya, axe_check, shot, "journey-review")
    fay.goto(meeting_url)
    expect(fay.get_by_role("region", name="The set’s review")).to_contain_text(
        "We asked before we advised."
    )

    # Maya proposes a change to the contract; Fay adopts it as minor; Maya is not locked out.
    maya.goto(f"{set_url}contract/")
    maya.get_by_role("link", name="Propose a change").click()
    maya.get_by_label("Why do you propose this change?").fill("The group chat gets missed.")
    maya.get_by_label("The contract as you propose it").fill(PROPOSED)
    both_sizes(maya, axe_check, shot, "journey-propose")
    maya.get_by_role("button", name="Send the proposal to the set").click()
    expect(maya.locator(".messages")).to_contain_text("Your proposal is with the set.")

    fay.goto(f"{set_url}contract/")
    proposals = fay.get_by_role("region", name="Proposed changes")
    proposals.get_by_role("link", name="Proposed by Maya Member").click()
    adopt = fay.get_by_role("region", name="Adopt it")
    adopt.get_by_label("Minor: wording only.").check()
    both_sizes(fay, axe_check, shot, "journey-adopt")
    adopt.get_by_role("button", name="Adopt as the next version").click()
    expect(fay.locator(".messages")).to_contain_text(
        "Version 2 of the contract is saved as a minor change."
    )
    maya.goto(f"{set_url}contract/")
    expect(maya.get_by_text("You have accepted version 2 of this contract.")).to_be_visible()
    expect(maya.get_by_role("button", name="I accept this contract")).to_have_count(0)
    maya.goto(meeting_url)
    expect(maya.get_by_role("region", name="The set’s review")).to_contain_text(
        "Let the presenter finish first."
    )

    # The ending: Fay opens the closing review; Maya records hers; the set closes read-only.
    fay.goto(set_url)
    fay.get_by_role("link", name="Close set").click()
    both_sizes(fay, axe_check, shot, "journey-closing-offer")
    fay.get_by_role("button", name="Open the closing review first").click()
    expect(fay.locator(".messages")).to_contain_text("The closing review is open")
    # Those still to write are the members under the contract, not Pat, who never accepted.
    expect(fay.locator("main")).to_contain_text("still to write: Maya Member, Rosa Reyes.")
    expect(fay.locator("main")).not_to_contain_text("Pat Pending")

    maya.goto(set_url)
    maya.get_by_role("link", name="Closing review").click()
    maya.get_by_label("What I learned").fill(LEARNED)
    maya.get_by_label("What I will keep doing").fill("Writing an action after hard meetings.")
    maya.get_by_role("button", name="Save my closing review").click()
    expect(maya.locator(".messages")).to_contain_text("Your closing review is saved")
    both_sizes(maya, axe_check, shot, "journey-closing-review")

    fay.goto(f"{set_url}closing-review/")
    expect(fay.locator("main")).to_contain_text(LEARNED)
    fay.get_by_role("link", name="Close the set…").click()
    fay.get_by_role("button", name="Close the set").click()
    expect(fay.locator(".messages")).to_contain_text("is closed")
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.CLOSED

    maya.goto(f"{set_url}closing-review/")
    expect(maya.locator("main")).to_contain_text("read-only")
    expect(maya.locator("main")).to_contain_text(LEARNED)
    expect(maya.get_by_role("button", name="Save changes")).to_have_count(0)
    both_sizes(maya, axe_check, shot, "journey-closed")
    maya.goto(meeting_url)
    expect(maya.get_by_role("button", name="Add to the review")).to_have_count(0)
