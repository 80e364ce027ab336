"""Bids and phases in the browser (docs/product.md#bids-and-the-presenters-framing,
docs/product.md#phases-questions-before-advice): a member bids for airtime before the
meeting; once it starts, the facilitator orders the bids, shares out equal time among those
present, runs a slot in phases on its one timer, moving on with one tap, and opens the set's
ground rules from the meeting page. Each state is scanned with axe at 1280 and 390 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import AirtimeSlot, Bid, Meeting
from sessions.services import bids as bid_services
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAYA_PROBLEM = "My two teams merge in April and I am afraid of losing the good people."
ROSA_PROBLEM = "My deputy does not support the restructure and I keep avoiding her."
GROUND_RULE = "What is said in the set stays in the set."


@pytest.fixture
def coming(world):
    """Set Alpha's next meeting, tomorrow, with Rosa, a second member under the contract,
    who has already bid."""
    world.contract.text = f"{GROUND_RULE}\n\nWe ask questions before we give advice."
    world.contract.save()
    world.rosa = MembershipFactory(learning_set=world.learning_set, user__name="Rosa Reyes").user
    ContractAcceptanceFactory(contract=world.contract, user=world.rosa)
    world.meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() + timedelta(days=1)
    )
    bid_services.bring_bid(
        world.meeting, actor=world.rosa, problem=ROSA_PROBLEM, want="sounding_board", minutes=30
    )
    return world


@pytest.fixture
def problems(page):
    found = []
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def both_sizes(page, axe_check, shot, name):
    # Away from the button just tapped, whose hover colours are still fading out.
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    for size, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        axe_check(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def saved(page, endpoint):
    return page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/{endpoint}/") and r.ok
    )


def test_a_member_bids_and_the_facilitator_runs_the_bids_as_airtime_in_phases(
    page, live_server, coming, sign_in, axe_check, shot, problems
):
    meeting, maya, rosa = coming.meeting, coming.member, coming.rosa
    page.set_viewport_size(DESKTOP)

    # Maya bids before the meeting: her problem, what she wants, the minutes she asks for.
    sign_in(page, live_server, maya)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    bids = page.get_by_role("region", name="Bids for this meeting")
    expect(bids).to_contain_text(ROSA_PROBLEM)
    both_sizes(page, axe_check, shot, "bids-member-before")
    bids.get_by_label("The problem, in your own words").fill(MAYA_PROBLEM)
    bids.get_by_label("Questions to think with").check()
    bids.get_by_label("Minutes you ask for").fill("40")
    with page.expect_navigation():
        bids.get_by_role("button", name="Bid for airtime").click()
    expect(page.locator(".messages")).to_contain_text("Your bid is in.")
    bids = page.get_by_role("region", name="Bids for this meeting")
    expect(bids.locator("li", has_text=MAYA_PROBLEM)).to_contain_text("Yours")
    expect(bids).to_contain_text("2 bids · equal time for each presenter")
    # She can still change it until the meeting starts.
    mine = bids.locator("li", has_text=MAYA_PROBLEM)
    mine.get_by_text("Change or withdraw your bid").click()
    mine.get_by_label("Minutes you ask for").fill("35")
    with page.expect_navigation():
        mine.get_by_role("button", name="Save your bid").click()
    expect(page.locator(".messages")).to_contain_text("Your bid is changed.")
    assert Bid.objects.get(member=maya).minutes == 35
    both_sizes(page, axe_check, shot, "bids-member-after")

    # The meeting starts; Maya and Rosa are here.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    page.context.clear_cookies()
    sign_in(page, live_server, coming.facilitator)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    attendance = page.get_by_role("region", name="Attendance")
    for person in (maya, rosa):
        with saved(page, "attendance"):
            attendance.locator(f"#attendance-row-{person.pk}").get_by_text(
                "Present", exact=True
            ).click()
    expect(attendance).to_contain_text("2 of 3 here")

    # The facilitator puts Maya's bid first, without dragging, and shares out equal time.
    bids = page.get_by_role("region", name="Bids for this meeting")
    expect(bids.locator("li").first).to_contain_text("Rosa Reyes")
    with saved(page, "bid-plan"):
        bids.get_by_role("button", name="Move up Maya Member’s bid").click()
    expect(bids.locator("li").first).to_contain_text("Maya Member")
    expect(bids.locator("[data-save-status]").first).to_have_text("Saved.")
    both_sizes(page, axe_check, shot, "bids-facilitator-ordered")
    share = bids.locator("form", has=page.get_by_role("button", name="Share out equal time"))
    share.get_by_label("Minutes for airtime").fill("60")
    with saved(page, "bid-plan"):
        share.get_by_role("button", name="Share out equal time").click()
    airtime = page.get_by_role("region", name="Airtime")
    slots = airtime.locator("li[id^='slot-']")
    # Equal time among the two here, in the bids' order, each with the presenter's framing.
    expect(slots).to_have_count(2)
    expect(airtime).to_contain_text("60 min planned")
    maya_slot = slots.nth(0)
    expect(maya_slot).to_contain_text("In Maya Member’s words")
    expect(maya_slot).to_contain_text(MAYA_PROBLEM)
    expect(maya_slot).to_contain_text("of 30 min planned")
    expect(slots.nth(1)).to_contain_text(ROSA_PROBLEM)
    expect(bids.locator("li", has_text=MAYA_PROBLEM)).to_contain_text("In the airtime")

    # The order can still change, by dragging or from the keyboard.
    rosa_bid = bids.locator("li", has_text=ROSA_PROBLEM)
    with saved(page, "bid-plan"):
        rosa_bid.drag_to(bids.locator("li", has_text=MAYA_PROBLEM))
    expect(bids.locator("li").first).to_contain_text("Rosa Reyes")
    bids.get_by_role("button", name="Move up Maya Member’s bid").focus()
    with saved(page, "bid-plan"):
        page.keyboard.press("Enter")
    expect(bids.locator("li").first).to_contain_text("Maya Member")

    # Maya's slot runs in phases: the suggested split of her 30 minutes, as it is.
    maya_slot.get_by_text("Change the topic or time, run in phases, or remove").click()
    expect(maya_slot.get_by_label("Questions")).to_have_value("12")
    with saved(page, "airtime"):
        maya_slot.get_by_role("button", name="Save phases for Maya Member’s slot").click()
    phases = maya_slot.get_by_role("list", name="Maya Member’s phases")
    expect(phases.locator("[aria-current=step]")).to_contain_text("Presenting")
    with saved(page, "airtime"):
        maya_slot.get_by_role("button", name="Start timer for Maya Member").click()
    bar = page.get_by_role("region", name="Presenting now")
    expect(bar).to_contain_text("Presenting")
    # One tap moves on; the same timer keeps running.
    with saved(page, "airtime"):
        maya_slot.get_by_role("button", name="Move on to questions for Maya Member").click()
    expect(phases.locator("[aria-current=step]")).to_contain_text("Questions")
    expect(bar).to_contain_text("Questions")
    expect(
        maya_slot.get_by_role("button", name="Move on to reflection for Maya Member")
    ).to_be_visible()
    expect(maya_slot.get_by_role("button", name="Stop timer for Maya Member")).to_be_visible()
    slot = AirtimeSlot.objects.get(presenter=maya)
    assert slot.phase == "questions" and slot.timer_started_at is not None
    both_sizes(page, axe_check, shot, "phases-running")

    # The set's ground rules open from the meeting page at any moment.
    page.locator("#ground-rules > summary").click()
    rules = page.get_by_role("region", name="Set Alpha’s ground rules")
    expect(rules).to_be_visible()
    expect(rules).to_contain_text(GROUND_RULE)
    both_sizes(page, axe_check, shot, "ground-rules-open")
    page.locator("#ground-rules > summary").click()
    expect(rules).to_be_hidden()
    assert problems == []
