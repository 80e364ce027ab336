"""Bids for airtime before a meeting, and turning them into airtime
(docs/product.md#bids-and-the-presenters-framing)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sessions.models import AirtimeSlot, Attendance, Bid, Meeting
from sessions.services import bids as bid_services
from sessions.services.bids import PlannedSlot, asked_time, equal_shares
from sets.models import LearningSet
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory

PROBLEM = "My team keeps missing the handover and I think it is me."


def bid_url(meeting):
    return reverse("meetings:meeting_bids", args=[meeting.pk])


def bring(client, meeting, **data):
    fields = {"op": "add", "problem": PROBLEM, "want": "questions", "minutes": "25"}
    fields.update(data)
    return client.post(bid_url(meeting), fields)


@pytest.fixture
def rosa(world):
    """A second member under the contract."""
    person = MembershipFactory(learning_set=world.learning_set, user__name="Rosa Reyes").user
    ContractAcceptanceFactory(contract=world.contract, user=person)
    return person


def make_bid(meeting, member, minutes=20, problem=PROBLEM, want="questions"):
    return bid_services.bring_bid(
        meeting, actor=member, problem=problem, want=want, minutes=minutes
    )


# The pure shares


def test_equal_time_is_split_among_those_present_and_a_second_bid_shares_its_owners_time():
    planned = equal_shares(
        [(10, 1), (11, 2), (12, 1), (13, 9)], present=[1, 2, 3], available_minutes=90
    )
    assert planned == [
        PlannedSlot(1, 15, 10),
        PlannedSlot(2, 30, 11),
        PlannedSlot(1, 15, 12),
        PlannedSlot(3, 30),  # present without a bid; the absent bidder (9) is left out
    ]


def test_equal_time_with_nobody_present_plans_nothing():
    assert equal_shares([(10, 1)], present=[], available_minutes=90) == []


def test_bids_keep_their_minutes_and_leave_out_those_not_here_once_known():
    bids = [(10, 1, 40), (11, 2, 25)]
    assert asked_time(bids, None) == [PlannedSlot(1, 40, 10), PlannedSlot(2, 25, 11)]
    assert asked_time(bids, [2]) == [PlannedSlot(2, 25, 11)]


# A member's own bids


def test_a_member_brings_a_bid_which_is_stored_encrypted(client, world, meeting):
    client.force_login(world.member)
    response = bring(client, meeting, want="sounding_board")
    assert response.status_code == 302
    bid = Bid.objects.get()
    assert (bid.member, bid.problem, bid.want, bid.minutes) == (
        world.member,
        PROBLEM,
        "sounding_board",
        25,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT problem FROM meetings_bid")
        stored = cursor.fetchone()[0]
    assert PROBLEM not in stored
    meeting.refresh_from_db()
    assert meeting.revision == 1
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert PROBLEM in page and "Withdraw your bid" in page


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"problem": "  "}, "Write a few lines"),
        ({"want": "advice"}, "Choose what you want from the set"),
        ({"minutes": "0"}, "at least 1 minute"),
        ({"minutes": "241"}, "at most 240 minutes"),
        ({"minutes": "lots"}, "whole number"),
        ({"op": "bribe"}, "not something you can do"),
    ],
)
def test_bad_bids_are_refused_with_the_reason_and_nothing_written(
    client, world, meeting, data, reason
):
    client.force_login(world.member)
    response = bring(client, meeting, **data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Bid.objects.exists()


def test_a_member_changes_and_withdraws_their_bid_until_the_meeting_starts(client, world, meeting):
    client.force_login(world.member)
    bid = make_bid(meeting, world.member)
    response = client.post(
        bid_url(meeting),
        {
            "op": "change",
            "bid": bid.pk,
            "problem": "Sharper now",
            "want": "check_action",
            "minutes": "15",
        },
    )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.problem, bid.want, bid.minutes) == ("Sharper now", "check_action", 15)
    assert client.post(bid_url(meeting), {"op": "withdraw", "bid": bid.pk}).status_code == 302
    assert not Bid.objects.exists()


def test_once_the_meeting_has_started_bids_stay_as_they_are(client, world, meeting):
    bid = make_bid(meeting, world.member)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=2),
    )
    client.force_login(world.member)
    response = client.post(bid_url(meeting), {"op": "withdraw", "bid": bid.pk})
    assert response.status_code == 400
    assert "has started" in response.content.decode()
    assert Bid.objects.filter(pk=bid.pk).exists()
    assert bring(client, meeting).status_code == 400
    assert Bid.objects.count() == 1


def test_a_member_cannot_change_or_withdraw_someone_elses_bid(client, world, meeting, rosa):
    bid = make_bid(meeting, rosa)
    client.force_login(world.member)
    response = client.post(bid_url(meeting), {"op": "withdraw", "bid": bid.pk})
    assert response.status_code == 400
    assert Bid.objects.filter(pk=bid.pk).exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("pending", 403),
        ("facilitator", 403),
        ("admin", 403),
        ("former", 404),
        ("other_member", 404),
    ],
)
def test_only_members_under_the_contract_bid(client, world, meeting, person, status):
    client.force_login(getattr(world, person))
    assert bring(client, meeting).status_code == status
    assert not Bid.objects.exists()


# Who sees bids


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("member", True),
        ("facilitator", True),
        ("pending", False),
        ("admin", False),
    ],
)
def test_only_the_set_sees_bids(client, world, meeting, rosa, person, sees):
    make_bid(meeting, rosa)
    client.force_login(getattr(world, person))
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert (PROBLEM in body) is sees


# Ordering and airtime


@pytest.fixture
def three_bids(world, meeting, rosa):
    third = MembershipFactory(learning_set=world.learning_set, user__name="Tom Third").user
    ContractAcceptanceFactory(contract=world.contract, user=third)
    return [
        make_bid(meeting, world.member, minutes=40, problem="Maya's merger"),
        make_bid(meeting, rosa, minutes=30, problem="Rosa's rota"),
        make_bid(meeting, third, minutes=50, problem="Tom's board"),
    ]


def order(meeting):
    return [bid.problem for bid in meeting.bids.order_by("order", "pk")]


def test_the_facilitator_orders_bids_with_buttons_or_by_dragging(
    client, world, meeting, three_bids, post_panel
):
    client.force_login(world.facilitator)
    assert (
        post_panel("meeting_bid_plan", meeting, op="down", bid=three_bids[0].pk).status_code == 302
    )
    assert order(meeting) == ["Rosa's rota", "Maya's merger", "Tom's board"]
    response = post_panel(
        "meeting_bid_plan", meeting, htmx=True, op="place", bid=three_bids[2].pk, position=0
    )
    assert response.status_code == 200
    assert 'id="bids-panel"' in response.content.decode()
    assert order(meeting) == ["Tom's board", "Rosa's rota", "Maya's merger"]


def test_a_stale_order_is_refused_as_a_conflict(client, world, meeting, three_bids, post_panel):
    client.force_login(world.facilitator)
    meeting.refresh_from_db()
    stale = meeting.revision
    post_panel("meeting_bid_plan", meeting, op="down", bid=three_bids[0].pk)
    response = post_panel(
        "meeting_bid_plan", meeting, op="up", bid=three_bids[2].pk, revision=stale
    )
    assert response.status_code == 409
    assert order(meeting) == ["Rosa's rota", "Maya's merger", "Tom's board"]


def present(meeting, *people):
    for person in people:
        Attendance.objects.update_or_create(
            meeting=meeting, user=person, defaults={"status": Attendance.Status.PRESENT}
        )


def plan(meeting):
    return [
        (slot.presenter.name, slot.planned_minutes, slot.framing)
        for slot in meeting.airtime_slots.order_by("order")
    ]


def test_equal_time_splits_the_available_time_among_those_present(
    client, world, meeting, three_bids, rosa, post_panel
):
    tom = three_bids[2].member
    present(meeting, world.member, rosa, world.pending)
    Attendance.objects.update_or_create(
        meeting=meeting, user=tom, defaults={"status": Attendance.Status.APOLOGIES}
    )
    client.force_login(world.facilitator)
    response = post_panel("meeting_bid_plan", meeting, op="airtime", available_minutes=120)
    assert response.status_code == 302
    assert plan(meeting) == [
        ("Maya Member", 40, "Maya's merger"),
        ("Rosa Reyes", 40, "Rosa's rota"),
        ("Pat Pending", 40, ""),
    ]
    assert Bid.objects.get(pk=three_bids[0].pk).slot.presenter == world.member


def test_equal_time_asks_for_attendance_first(client, world, meeting, three_bids, post_panel):
    client.force_login(world.facilitator)
    response = post_panel("meeting_bid_plan", meeting, op="airtime", available_minutes=120)
    assert response.status_code == 400
    assert "mark who is here" in response.content.decode()
    assert not AirtimeSlot.objects.exists()


def test_with_bids_the_asked_minutes_are_used_and_the_total_shown(
    client, world, meeting, three_bids, post_panel
):
    LearningSet.objects.filter(pk=world.learning_set.pk).update(
        airtime_mode=LearningSet.AirtimeMode.BID
    )
    meeting.ends_at = meeting.starts_at + timedelta(minutes=100)
    meeting.save()
    client.force_login(world.facilitator)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "120 min asked of a 100-minute meeting" in body
    assert "20 min more than the meeting" in body
    assert post_panel("meeting_bid_plan", meeting, op="airtime").status_code == 302
    assert plan(meeting) == [
        ("Maya Member", 40, "Maya's merger"),
        ("Rosa Reyes", 30, "Rosa's rota"),
        ("Tom Third", 50, "Tom's board"),
    ]


def test_bids_do_not_replace_airtime_that_has_begun(client, world, meeting, three_bids, post_panel):
    present(meeting, world.member)
    AirtimeSlot.objects.create(meeting=meeting, presenter=world.member, actual_seconds=60)
    client.force_login(world.facilitator)
    response = post_panel("meeting_bid_plan", meeting, op="airtime", available_minutes=60)
    assert response.status_code == 400
    assert "already begun" in response.content.decode()
    assert AirtimeSlot.objects.count() == 1


def test_the_framing_is_shown_on_the_slot_and_kept_with_the_held_record(
    client, world, meeting, three_bids, rosa, post_panel
):
    present(meeting, world.member, rosa)
    client.force_login(world.facilitator)
    post_panel("meeting_bid_plan", meeting, op="airtime", available_minutes=60)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    client.force_login(world.member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "In Rosa Reyes’s words" in body
    assert "Rosa&#x27;s rota" in body or "Rosa's rota" in body


def test_the_ground_rules_open_from_the_meeting_page(client, world, meeting):
    world.contract.text = "We keep what is said here in the room."
    world.contract.save()
    for person, sees in [("facilitator", True), ("member", True), ("admin", False)]:
        client.force_login(getattr(world, person))
        body = client.get(meeting.get_absolute_url()).content.decode()
        assert ("We keep what is said here in the room." in body) is sees
        assert ('id="ground-rules"' in body) is sees


def test_a_second_bid_from_one_member_is_a_second_slot(client, world, meeting, rosa, post_panel):
    make_bid(meeting, world.member, problem="First problem")
    make_bid(meeting, world.member, problem="Second problem")
    present(meeting, world.member, rosa)
    client.force_login(world.facilitator)
    post_panel("meeting_bid_plan", meeting, op="airtime", available_minutes=60)
    assert plan(meeting) == [
        ("Maya Member", 15, "First problem"),
        ("Maya Member", 15, "Second problem"),
        ("Rosa Reyes", 30, ""),
    ]


def test_the_meeting_ahead_offers_a_member_the_bid_form(client, world):
    meeting = MeetingFactory(learning_set=world.learning_set)
    client.force_login(world.member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Bid for airtime" in body
