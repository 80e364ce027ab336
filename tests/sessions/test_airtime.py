"""Airtime on the meeting page: presenters, their order, topics and planned time, the timer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import AirtimeSlot, Meeting
from sessions.views.mixins import CONFLICT
from tests.factories import MembershipFactory
from tests.sessions.factories import MeetingFactory


@pytest.fixture(autouse=True)
def facilitating(client, world):
    client.force_login(world.facilitator)


@pytest.fixture
def slots(world, live_meeting):
    """Maya presents first, then Pat, then a third member."""
    third = MembershipFactory(learning_set=world.learning_set, user__name="Tom Third").user
    return [
        AirtimeSlot.objects.create(meeting=live_meeting, presenter=person, order=order)
        for order, person in enumerate([world.member, world.pending, third])
    ]


def presenters(meeting):
    return [slot.presenter.name for slot in meeting.airtime_slots.order_by("order", "pk")]


def test_the_facilitator_adds_presenters_in_order(world, live_meeting, post_panel):
    for person, topic in [(world.member, "Merger"), (world.pending, "")]:
        response = post_panel(
            "meeting_airtime",
            live_meeting,
            op="add",
            presenter=person.pk,
            topic=topic,
            planned_minutes=40,
        )
        assert response.status_code == 302
    added = list(live_meeting.airtime_slots.order_by("order"))
    assert [(s.presenter, s.order, s.topic, s.planned_minutes) for s in added] == [
        (world.member, 0, "Merger", 40),
        (world.pending, 1, "", 40),
    ]


def test_with_htmx_the_answer_is_the_airtime_panel(world, live_meeting, post_panel):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        htmx=True,
        op="add",
        presenter=world.member.pk,
        planned_minutes=30,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card mb-4" id="airtime-panel"')
    assert "<html" not in body and "<h1" not in body
    assert "1. Maya Member" in body


@pytest.mark.parametrize("minutes", ["0", "-5", "241", "99999999999999999999", "ten", ""])
def test_planned_minutes_must_be_sensible(world, live_meeting, post_panel, minutes):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="add",
        presenter=world.member.pk,
        topic="Kept as typed",
        planned_minutes=minutes,
    )
    assert response.status_code == 400
    assert "Kept as typed" in response.content.decode()
    assert not AirtimeSlot.objects.exists()


@pytest.mark.parametrize("person", ["facilitator", "former", "other_member", "outsider"])
def test_a_presenter_must_be_a_member_of_the_set(world, live_meeting, post_panel, person):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="add",
        presenter=getattr(world, person).pk,
        planned_minutes=30,
    )
    assert response.status_code == 400
    assert "member of this set" in response.content.decode()
    assert not AirtimeSlot.objects.exists()


def test_a_presenter_may_have_a_second_slot(world, live_meeting, slots, post_panel):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="add",
        presenter=world.member.pk,
        topic="The other problem",
        planned_minutes=15,
    )
    assert response.status_code == 302
    mine = live_meeting.airtime_slots.filter(presenter=world.member).order_by("order")
    assert [(s.order, s.topic) for s in mine] == [(0, ""), (3, "The other problem")]


def test_a_topic_too_long_is_refused(world, live_meeting, post_panel):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="add",
        presenter=world.member.pk,
        topic="x" * 301,
        planned_minutes=30,
    )
    assert response.status_code == 400
    assert not AirtimeSlot.objects.exists()


def test_an_unknown_operation_is_refused(live_meeting, slots, post_panel):
    response = post_panel("meeting_airtime", live_meeting, op="explode", slot=slots[0].pk)
    assert response.status_code == 400
    assert live_meeting.airtime_slots.count() == 3


def test_a_slot_of_another_meeting_is_refused(world, live_meeting, post_panel):
    other = MeetingFactory(learning_set=world.learning_set)
    elsewhere = AirtimeSlot.objects.create(meeting=other, presenter=world.member)
    response = post_panel("meeting_airtime", live_meeting, op="remove", slot=elsewhere.pk)
    assert response.status_code == 400
    assert "not part of this meeting" in response.content.decode()
    assert AirtimeSlot.objects.filter(pk=elsewhere.pk).exists()


def test_moving_presenters_up_and_down(world, live_meeting, slots, post_panel):
    post_panel("meeting_airtime", live_meeting, op="down", slot=slots[0].pk)
    assert presenters(live_meeting) == ["Pat Pending", "Maya Member", "Tom Third"]
    post_panel("meeting_airtime", live_meeting, op="up", slot=slots[2].pk)
    assert presenters(live_meeting) == ["Pat Pending", "Tom Third", "Maya Member"]
    # The first cannot move further up; nothing changes.
    assert post_panel("meeting_airtime", live_meeting, op="up", slot=slots[1].pk).status_code == 302
    assert presenters(live_meeting) == ["Pat Pending", "Tom Third", "Maya Member"]


def test_changing_a_slots_topic_and_time(live_meeting, slots, post_panel):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="change",
        slot=slots[1].pk,
        topic="  Restructuring  ",
        planned_minutes=45,
    )
    assert response.status_code == 302
    slots[1].refresh_from_db()
    assert (slots[1].topic, slots[1].planned_minutes) == ("Restructuring", 45)


def test_changing_a_slot_needs_its_minutes(live_meeting, slots, post_panel):
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        op="change",
        slot=slots[1].pk,
        topic="X",
        planned_minutes="",
    )
    assert response.status_code == 400
    slots[1].refresh_from_db()
    assert slots[1].topic == ""


def test_removing_a_slot(live_meeting, slots, post_panel):
    assert (
        post_panel("meeting_airtime", live_meeting, op="remove", slot=slots[1].pk).status_code
        == 302
    )
    assert presenters(live_meeting) == ["Maya Member", "Tom Third"]


# The timer


def test_starting_the_timer(live_meeting, slots, post_panel):
    before = timezone.now()
    post_panel("meeting_airtime", live_meeting, op="start", slot=slots[0].pk)
    slots[0].refresh_from_db()
    assert before <= slots[0].timer_started_at <= timezone.now()


def test_stopping_the_timer_records_the_time_since_it_started(live_meeting, slots, post_panel):
    AirtimeSlot.objects.filter(pk=slots[0].pk).update(
        actual_seconds=30, timer_started_at=timezone.now() - timedelta(seconds=95)
    )
    response = post_panel("meeting_airtime", live_meeting, op="stop", slot=slots[0].pk)
    assert response.status_code == 302
    slots[0].refresh_from_db()
    assert slots[0].timer_started_at is None
    assert 125 <= slots[0].actual_seconds < 130
    assert slots[0].actual_minutes == 2


def test_starting_another_timer_stops_the_running_one(live_meeting, slots, post_panel):
    AirtimeSlot.objects.filter(pk=slots[0].pk).update(
        timer_started_at=timezone.now() - timedelta(minutes=20)
    )
    post_panel("meeting_airtime", live_meeting, op="start", slot=slots[1].pk)
    running = live_meeting.airtime_slots.filter(timer_started_at__isnull=False)
    assert list(running) == [slots[1]]
    slots[0].refresh_from_db()
    assert 1200 <= slots[0].actual_seconds < 1210


def test_stopping_a_stopped_timer_changes_nothing(live_meeting, slots, post_panel):
    AirtimeSlot.objects.filter(pk=slots[0].pk).update(actual_seconds=300)
    post_panel("meeting_airtime", live_meeting, op="stop", slot=slots[0].pk)
    slots[0].refresh_from_db()
    assert (slots[0].actual_seconds, slots[0].timer_started_at) == (300, None)


def test_the_page_shows_a_running_timer_for_the_script_to_tick(
    client, world, live_meeting, slots, post_panel
):
    started = timezone.now() - timedelta(seconds=75)
    AirtimeSlot.objects.filter(pk=slots[0].pk).update(actual_seconds=60, timer_started_at=started)
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert f'data-seconds="60" data-started-at="{int(started.timestamp())}"' in body
    assert ">2:15<" in body
    assert "Stop timer" in body


def test_a_stale_timer_press_is_refused(live_meeting, slots, post_panel):
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=7)
    response = post_panel(
        "meeting_airtime", live_meeting, htmx=True, revision=6, op="start", slot=slots[0].pk
    )
    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    assert response["HX-Retarget"] == "#airtime-panel"
    assert not live_meeting.airtime_slots.filter(timer_started_at__isnull=False).exists()


def test_a_conflict_keeps_what_was_typed_for_a_new_presenter(world, live_meeting, post_panel):
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=2)
    response = post_panel(
        "meeting_airtime",
        live_meeting,
        htmx=True,
        revision=1,
        op="add",
        presenter=world.member.pk,
        topic="Typed before the clash",
        planned_minutes=35,
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="Typed before the clash"' in body
    assert 'name="revision" value="2"' in body
    assert not AirtimeSlot.objects.exists()


# A held meeting


@pytest.fixture
def held(live_meeting):
    Meeting.objects.filter(pk=live_meeting.pk).update(status="held")
    return live_meeting


def test_no_timer_starts_on_a_held_meeting(held, slots, post_panel):
    response = post_panel("meeting_airtime", held, htmx=True, op="start", slot=slots[0].pk)
    assert response.status_code == 400
    assert "marked as held, so its timers cannot be started" in response.content.decode()
    assert response["HX-Retarget"] == "#airtime-panel"
    assert not held.airtime_slots.filter(timer_started_at__isnull=False).exists()
    assert Meeting.objects.get(pk=held.pk).revision == 0


def test_no_presenter_is_added_to_a_held_meeting(world, held, post_panel):
    response = post_panel(
        "meeting_airtime", held, op="add", presenter=world.member.pk, planned_minutes=30
    )
    assert response.status_code == 400
    assert "marked as held" in response.content.decode()
    assert not AirtimeSlot.objects.exists()


def test_a_held_meetings_slots_can_still_be_corrected(held, slots, post_panel):
    response = post_panel(
        "meeting_airtime", held, op="change", slot=slots[0].pk, topic="Fixed", planned_minutes=20
    )
    assert response.status_code == 302
    slots[0].refresh_from_db()
    assert (slots[0].topic, slots[0].planned_minutes) == ("Fixed", 20)
