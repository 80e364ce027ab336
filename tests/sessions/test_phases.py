"""A slot run in phases on its one timer (docs/product.md#phases-questions-before-advice)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import AirtimeSlot, Meeting, SlotPhase
from sessions.services import phases
from sessions.services.phases import next_phase_of


@pytest.fixture(autouse=True)
def facilitating(client, world):
    client.force_login(world.facilitator)


@pytest.fixture
def slot(world, live_meeting):
    return AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member, order=0)


def plan(post_panel, meeting, slot, **minutes):
    fields = {"presenting": 5, "questions": 10, "reflection": 5, "commitment": 5}
    fields.update(minutes)
    return post_panel("meeting_airtime", meeting, op="phases", slot=slot.pk, **fields)


def test_the_next_phase_skips_those_not_planned():
    assert next_phase_of("presenting", ["presenting", "reflection"]) == "reflection"
    assert next_phase_of("reflection", ["presenting", "reflection"]) is None


def test_planning_phases_sets_the_slots_time_and_begins_the_first(live_meeting, slot, post_panel):
    assert plan(post_panel, live_meeting, slot, reflection=0).status_code == 302
    slot.refresh_from_db()
    assert slot.planned_minutes == 20
    assert slot.phase == "presenting"
    assert [(p.kind, p.planned_minutes) for p in slot.phases.all()] == [
        ("presenting", 5),
        ("questions", 10),
        ("commitment", 5),
    ]


def test_moving_on_records_each_phases_time_on_the_one_timer(live_meeting, slot, post_panel):
    plan(post_panel, live_meeting, slot)
    started = timezone.now() - timedelta(minutes=6)
    AirtimeSlot.objects.filter(pk=slot.pk).update(timer_started_at=started)
    assert (
        post_panel("meeting_airtime", live_meeting, op="next_phase", slot=slot.pk).status_code
        == 302
    )
    slot.refresh_from_db()
    assert slot.phase == "questions"
    presenting = slot.phases.get(kind="presenting")
    assert 359 <= presenting.used_seconds <= 362
    assert slot.phase_from_seconds == presenting.used_seconds
    # The timer keeps running through the phases.
    assert slot.timer_started_at == started


def test_the_page_shows_the_phases_and_the_one_tap_to_move_on(
    client, live_meeting, slot, post_panel
):
    plan(post_panel, live_meeting, slot)
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in body
    assert "Move on to questions" in body


def test_the_last_phase_has_nowhere_to_move_on_to(live_meeting, slot, post_panel):
    plan(post_panel, live_meeting, slot, presenting=0, questions=0, reflection=0)
    response = post_panel("meeting_airtime", live_meeting, op="next_phase", slot=slot.pk)
    assert response.status_code == 400
    assert "last phase" in response.content.decode()


def test_all_phases_at_zero_runs_the_slot_without_phases(live_meeting, slot, post_panel):
    plan(post_panel, live_meeting, slot)
    plan(post_panel, live_meeting, slot, presenting=0, questions=0, reflection=0, commitment=0)
    slot.refresh_from_db()
    assert slot.phase == ""
    assert not SlotPhase.objects.exists()


@pytest.mark.parametrize("minutes", ["-1", "241", "ten", ""])
def test_bad_phase_minutes_are_refused(live_meeting, slot, post_panel, minutes):
    response = plan(post_panel, live_meeting, slot, questions=minutes)
    assert response.status_code == 400
    assert not SlotPhase.objects.exists()


def test_phases_adding_up_past_the_limit_are_refused(live_meeting, slot, post_panel):
    response = plan(post_panel, live_meeting, slot, presenting=100, questions=100, reflection=100)
    assert response.status_code == 400
    assert "more than 240 minutes" in response.content.decode()
    assert not SlotPhase.objects.exists()


def test_a_held_meeting_keeps_its_phases(live_meeting, slot, post_panel):
    plan(post_panel, live_meeting, slot)
    Meeting.objects.filter(pk=live_meeting.pk).update(status=Meeting.Status.HELD)
    response = post_panel("meeting_airtime", live_meeting, op="next_phase", slot=slot.pk)
    assert response.status_code == 400
    slot.refresh_from_db()
    assert slot.phase == "presenting"


def test_elapsed_reads_the_running_timer(slot):
    now = timezone.now()
    slot.actual_seconds = 30
    slot.timer_started_at = now - timedelta(seconds=45)
    assert phases.elapsed_seconds(slot, now) == 75


def test_a_phased_slots_planned_time_follows_its_phases(live_meeting, slot, post_panel):
    plan(post_panel, live_meeting, slot)
    response = post_panel(
        "meeting_airtime", live_meeting, op="change", slot=slot.pk, topic="", planned_minutes=50
    )
    assert response.status_code == 400
    assert "change the phases" in response.content.decode()
    renamed = post_panel(
        "meeting_airtime", live_meeting, op="change", slot=slot.pk, topic="New", planned_minutes=25
    )
    assert renamed.status_code == 302
    slot.refresh_from_db()
    assert (slot.topic, slot.planned_minutes) == ("New", 25)
