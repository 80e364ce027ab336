"""Each learning-inaction signal of docs/signals.md#the-signals fires at its threshold and not
one below, resolves itself when it clears, and never makes a second open prompt when detection
runs again (docs/signals.md#how-detection-runs)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions.inaction import schedule_detection
from sessions.models import Attendance, InactionPrompt, SignalThresholds
from sessions.services import prompts as prompt_services
from sessions.services import running, scheduling
from sets.models import LearningSet
from tests.sessions.builders import (
    action,
    attend,
    attend_all,
    held_meetings,
    next_meeting,
    report,
    safe_pulse,
    slot,
)
from tests.sessions.signals_support import detect, only_open, prompts

Signal = InactionPrompt.Signal
Status = InactionPrompt.Status


def assert_idempotent(world, signal):
    """A second run changes nothing: one open prompt, no new rows."""
    before = list(prompts(world, signal).values_list("pk", "status", "summary"))
    outcome = detect(world)
    assert list(prompts(world, signal).values_list("pk", "status", "summary")) == before
    assert prompts(world, signal, status=Status.OPEN).count() == 1
    assert outcome.opened == 0


# Carried action


def test_an_action_carried_at_two_meetings_in_a_row_prompts(alpha):
    m1, m2, m3, m4 = held_meetings(alpha.learning_set, 4)
    carried = action(m1, alpha.member, "Raise the merger with the CFO")
    report(carried, m2, "carried")

    detect(alpha)
    assert not prompts(alpha, Signal.CARRIED_ACTION).exists()

    report(carried, m3, "carried")
    detect(alpha)
    prompt = only_open(alpha, Signal.CARRIED_ACTION)
    assert prompt.member == alpha.member
    assert prompt.evidence_key == f"action:{carried.pk}"
    assert list(prompt.evidence_meetings.all()) == [m2, m3]
    assert list(prompt.evidence_actions.all()) == [carried]
    assert "carried forward at 2 meetings in a row" in prompt.summary
    assert "Raise the merger with the CFO" in prompt.summary
    # The question is the set's; the one to Maya is offered beside it, not opening with her name.
    assert prompt.suggested_question.startswith("What might we be avoiding together")
    assert "Maya" not in prompt.suggested_question
    assert prompt.person_question.startswith("What are you avoiding by keeping this action open")
    assert_idempotent(alpha, Signal.CARRIED_ACTION)

    report(carried, m4, "done")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED
    assert prompt.closed_at is not None


def test_a_carry_broken_by_another_outcome_starts_counting_again(alpha):
    m1, m2, m3, m4 = held_meetings(alpha.learning_set, 4)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "partly")
    report(carried, m4, "carried")

    detect(alpha)

    assert not prompts(alpha, Signal.CARRIED_ACTION).exists()


def test_the_programme_sets_the_carried_action_threshold(alpha):
    SignalThresholds.objects.create(programme=alpha.programme, carried_action_meetings=3)
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")

    detect(alpha)

    assert not prompts(alpha, Signal.CARRIED_ACTION).exists()


# Unreported action


def test_an_owner_at_the_meeting_an_action_was_due_without_reporting_prompts(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    due = action(m1, alpha.member, due_meeting=m2)
    attend(m2, alpha.member, "absent")

    detect(alpha)
    assert not prompts(alpha, Signal.UNREPORTED_ACTION).exists()

    attend(m2, alpha.member, "late")
    detect(alpha)
    prompt = only_open(alpha, Signal.UNREPORTED_ACTION)
    assert prompt.evidence_key == f"action:{due.pk}:due:{m2.pk}"
    assert list(prompt.evidence_meetings.all()) == [m2]
    assert_idempotent(alpha, Signal.UNREPORTED_ACTION)

    report(due, m3, "not_done")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_an_action_due_by_a_date_is_due_at_the_first_meeting_on_or_after_it(alpha):
    m1, m2 = held_meetings(alpha.learning_set, 2)
    due = action(m1, alpha.member, due_on=m2.starts_at.date())
    attend(m2, alpha.member)

    detect(alpha)

    assert only_open(alpha, Signal.UNREPORTED_ACTION).evidence_key == (
        f"action:{due.pk}:due:{m2.pk}"
    )


# Silent member


def test_a_member_at_three_meetings_without_airtime_prompts(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    attend_all([m1, m2, m3], alpha.members)
    for meeting in (m1, m2, m3):
        for other in alpha.others:
            slot(meeting, other)
    slot(m1, alpha.member)
    slot(m1, alpha.pending)
    slot(m2, alpha.pending)
    slot(m3, alpha.pending)

    detect(alpha)
    assert not prompts(alpha, Signal.SILENT_MEMBER).exists()  # silent at 2 meetings only

    m1.airtime_slots.filter(presenter=alpha.member).delete()
    detect(alpha)
    prompt = only_open(alpha, Signal.SILENT_MEMBER)
    assert prompt.member == alpha.member
    assert list(prompt.evidence_meetings.all()) == [m1, m2, m3]
    assert_idempotent(alpha, Signal.SILENT_MEMBER)

    slot(m3, alpha.member)
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_a_member_who_missed_one_of_the_meetings_is_not_silent(alpha):
    meetings = held_meetings(alpha.learning_set, 3)
    attend_all(meetings, [alpha.member])
    attend(meetings[1], alpha.member, "apologies")

    detect(alpha)

    assert not prompts(alpha, Signal.SILENT_MEMBER).exists()


# Airtime imbalance


def share_airtime(meetings, minutes_by_person):
    """Spread each person's minutes over the meetings, one slot per meeting."""
    for person, minutes in minutes_by_person.items():
        share, rest = divmod(minutes, len(meetings))
        for index, meeting in enumerate(meetings):
            slot(meeting, person, minutes=share + (rest if index == 0 else 0))


def test_more_than_forty_percent_of_the_airtime_prompts(alpha):
    meetings = held_meetings(alpha.learning_set, 3)
    maya, pat, (x, y) = alpha.member, alpha.pending, alpha.others
    share_airtime(meetings, {maya: 120, pat: 60, x: 60, y: 60})  # Maya 40%

    detect(alpha)
    assert not prompts(alpha, Signal.AIRTIME_IMBALANCE).exists()

    meetings[2].airtime_slots.filter(presenter=maya).update(actual_seconds=(40 + 3) * 60)
    detect(alpha)  # Maya: 123 of 303 minutes, 40.6%
    prompt = only_open(alpha, Signal.AIRTIME_IMBALANCE)
    assert prompt.member == maya
    assert "41% of the set’s airtime over the last 3 meetings" in prompt.summary
    assert list(prompt.evidence_meetings.all()) == meetings
    assert_idempotent(alpha, Signal.AIRTIME_IMBALANCE)

    meetings[2].airtime_slots.filter(presenter=pat).update(planned_minutes=80)
    detect(alpha)  # Maya: 123 of 363 minutes
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_airtime_is_not_judged_over_fewer_meetings_than_the_window(alpha):
    (meeting,) = held_meetings(alpha.learning_set, 1)
    slot(meeting, alpha.member, minutes=90)

    detect(alpha)

    assert not prompts(alpha, Signal.AIRTIME_IMBALANCE).exists()


# Attendance drift


def test_missing_two_of_the_last_three_meetings_prompts(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    attend_all([m1, m2, m3], [alpha.member])
    attend(m2, alpha.member, "absent")

    detect(alpha)
    assert not prompts(alpha, Signal.ATTENDANCE_DRIFT).exists()

    # Apologies sent with notice are not a missed meeting.
    attend(m3, alpha.member, "apologies", apologies_sent_at=m3.starts_at - timedelta(days=3))
    detect(alpha)
    assert not prompts(alpha, Signal.ATTENDANCE_DRIFT).exists()

    attend(m3, alpha.member, "absent")
    detect(alpha)
    prompt = only_open(alpha, Signal.ATTENDANCE_DRIFT)
    assert list(prompt.evidence_meetings.all()) == [m2, m3]
    assert "missed 2 of the last 3 meetings" in prompt.summary
    assert "absent or with apologies on the day" in prompt.summary
    assert_idempotent(alpha, Signal.ATTENDANCE_DRIFT)

    attend(m2, alpha.member, "present")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_apologies_on_the_day_prompt_even_once(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    attend_all([m1, m2, m3], [alpha.member])
    attend(m3, alpha.member, "apologies", apologies_sent_at=m3.starts_at - timedelta(days=1))

    detect(alpha)
    assert not prompts(alpha, Signal.ATTENDANCE_DRIFT).exists()

    attend(m3, alpha.member, "apologies", apologies_sent_at=m3.starts_at - timedelta(hours=2))
    detect(alpha)
    prompt = only_open(alpha, Signal.ATTENDANCE_DRIFT)
    assert list(prompt.evidence_meetings.all()) == [m3]
    assert "sent apologies on the day" in prompt.summary


# Below quorum


def test_fewer_members_expected_than_the_quorum_prompts(alpha):
    assert alpha.learning_set.quorum == 3
    upcoming = next_meeting(alpha.learning_set)
    maya, (x, _) = alpha.member, alpha.others
    attend(upcoming, maya, "apologies", apologies_sent_at=timezone.now())

    detect(alpha)  # three of four expected: Pat counts, under the contract or not
    assert not prompts(alpha, Signal.BELOW_QUORUM).exists()

    attend(upcoming, x, "apologies", apologies_sent_at=timezone.now())
    detect(alpha)
    prompt = only_open(alpha, Signal.BELOW_QUORUM)
    assert prompt.member is None
    assert prompt.evidence_key == f"meeting:{upcoming.pk}"
    assert "Only 2 members can be expected" in prompt.summary
    assert "2 apologies sent" in prompt.summary
    assert_idempotent(alpha, Signal.BELOW_QUORUM)

    Attendance.objects.filter(meeting=upcoming, user=x).update(status="")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


# Talk without action


def test_two_slots_in_a_row_without_an_action_prompt(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    slot(m1, alpha.member)
    action(m1, alpha.member)
    slot(m2, alpha.member)

    detect(alpha)
    assert not prompts(alpha, Signal.TALK_WITHOUT_ACTION).exists()

    slot(m3, alpha.member)
    detect(alpha)
    prompt = only_open(alpha, Signal.TALK_WITHOUT_ACTION)
    assert prompt.evidence_key == f"since-meeting:{m2.pk}"
    assert list(prompt.evidence_meetings.all()) == [m2, m3]
    assert_idempotent(alpha, Signal.TALK_WITHOUT_ACTION)

    action(m3, alpha.member, "Ask the board for a decision")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


# Pulse dip


def test_a_fall_of_half_a_point_between_two_meetings_prompts(alpha):
    m1, m2, m3, m4 = held_meetings(alpha.learning_set, 4)
    safe_pulse(m1, 3, 5)  # 5.0
    safe_pulse(m2, 3, 5)
    safe_pulse(m2, 2, 4)  # 4.6

    detect(alpha)
    assert not prompts(alpha, Signal.PULSE_DIP).exists()

    safe_pulse(m3, 1, 5)
    safe_pulse(m3, 9, 4)  # 4.1: a fall of exactly 0.5
    detect(alpha)
    prompt = only_open(alpha, Signal.PULSE_DIP)
    assert prompt.member is None
    assert list(prompt.evidence_meetings.all()) == [m2, m3]
    assert "fell from 4.6 to 4.1" in prompt.summary
    assert_idempotent(alpha, Signal.PULSE_DIP)

    safe_pulse(m4, 3, 6)
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_a_pulse_below_the_threshold_or_still_open_is_no_point_of_comparison(alpha):
    (m1,) = held_meetings(alpha.learning_set, 1, last_days_ago=70)
    (m2,) = held_meetings(alpha.learning_set, 1, last_days_ago=40)
    safe_pulse(m1, 3, 6)
    safe_pulse(m2, 2, 2)  # two answers: not shown

    detect(alpha)
    assert not prompts(alpha, Signal.PULSE_DIP).exists()

    (m3,) = held_meetings(alpha.learning_set, 1, last_days_ago=2)
    safe_pulse(m3, 5, 1)  # enough answers, but open for another five days
    detect(alpha)
    assert not prompts(alpha, Signal.PULSE_DIP).exists()


# What every signal shares


def test_a_raised_or_dismissed_prompt_is_not_opened_again(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    detect(alpha)
    prompt = only_open(alpha, Signal.CARRIED_ACTION)

    prompt_services.raise_prompt(prompt, meeting=m3, by=alpha.facilitator)
    detect(alpha)
    detect(alpha)

    assert list(prompts(alpha, Signal.CARRIED_ACTION).values_list("status", flat=True)) == [
        Status.RAISED
    ]


def test_a_prompt_about_someone_who_left_resolves(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    detect(alpha)
    prompt = only_open(alpha, Signal.CARRIED_ACTION)

    alpha.learning_set.memberships.filter(user=alpha.member).update(left_at=timezone.now())
    detect(alpha)

    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_a_closed_set_is_left_as_it_was(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    alpha.learning_set.status = LearningSet.Status.CLOSED
    alpha.learning_set.save()

    assert detect(alpha).opened == 0
    assert not InactionPrompt.objects.exists()


def test_the_database_refuses_a_second_open_prompt_for_the_same_evidence(alpha):
    fields = {
        "learning_set": alpha.learning_set,
        "signal": Signal.BELOW_QUORUM,
        "evidence_key": "meeting:1",
        "summary": "s",
        "suggested_question": "q",
    }
    InactionPrompt.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        InactionPrompt.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        InactionPrompt.objects.create(**fields, member=alpha.member)
        InactionPrompt.objects.create(**fields, member=alpha.member)
    InactionPrompt.objects.create(**fields, status=Status.RESOLVED)  # closed ones may repeat


def test_detection_is_queued_once_a_change_commits(alpha, django_capture_on_commit_callbacks):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        report(carried, m3, "carried")
        schedule_detection(alpha.learning_set)
        assert not InactionPrompt.objects.exists()

    assert len(callbacks) == 1
    assert only_open(alpha, Signal.CARRIED_ACTION).member == alpha.member


def test_a_report_back_from_the_meeting_page_queues_detection(
    alpha, django_capture_on_commit_callbacks
):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")

    with django_capture_on_commit_callbacks(execute=True):
        running.record_report_back(
            m3,
            action=carried,
            outcome="carried",
            note="",
            by=alpha.facilitator,
            revision=m3.revision,
        )

    assert only_open(alpha, Signal.CARRIED_ACTION).member == alpha.member


def test_scheduling_the_next_meeting_queues_detection(alpha, django_capture_on_commit_callbacks):
    alpha.learning_set.quorum = len(alpha.members) + 1
    alpha.learning_set.save()
    starts_at = timezone.now() + timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.schedule_meeting(
            alpha.learning_set,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            actor=alpha.facilitator,
        )

    assert prompts(alpha, Signal.BELOW_QUORUM).exists()


def test_the_nightly_command_checks_every_open_set(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    out = StringIO()

    call_command("detect_inaction", stdout=out)
    call_command("detect_inaction", stdout=out)

    assert "Checked 2 sets: 1 prompt opened" in out.getvalue()
    assert "Checked 2 sets: 0 prompts opened, 0 updated, 0 resolved." in out.getvalue()
    assert prompts(alpha, Signal.CARRIED_ACTION).count() == 1


def test_the_command_names_a_set_it_cannot_check(alpha):
    with pytest.raises(CommandError, match="No open set with id 999999"):
        call_command("detect_inaction", "--set", "999999", stdout=StringIO())
