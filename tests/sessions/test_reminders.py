"""Reminders: sent once per meeting, the set's number of hours before it, never twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from sessions.models import Meeting
from sessions.services.scheduling import change_meeting
from sessions.tasks import claim_reminder, due_reminders, send_reminder
from sets.models import LearningSet
from tests.sessions.factories import MeetingFactory


def hours_from_now(hours):
    return timezone.now() + timedelta(hours=hours)


def reminders():
    """The reminder emails sent; the same sweep nudges too (tests/sessions/test_nudges.py)."""
    return [m for m in mail.outbox if "Reminder" in m.subject]


def send_reminders(capture):
    out = StringIO()
    with capture(execute=True):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def soon(world):
    """A meeting of Set Alpha starting in a day: inside the default 48-hour window."""
    return MeetingFactory(learning_set=world.learning_set, starts_at=hours_from_now(24))


def test_a_reminder_goes_to_everyone_in_the_set_once(
    world, soon, django_capture_on_commit_callbacks
):
    output = send_reminders(django_capture_on_commit_callbacks)
    assert "Reminders queued for 1 meeting." in output
    recipients = sorted(m.to[0] for m in reminders())
    assert recipients == sorted([world.facilitator.email, world.member.email, world.pending.email])
    assert all(m.subject.startswith("[ALS Space] Reminder: Set Alpha meets") for m in reminders())
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None

    output = send_reminders(django_capture_on_commit_callbacks)
    assert "Reminders queued for 0 meetings." in output
    assert len(reminders()) == 3


def test_the_window_is_the_sets_own(world, django_capture_on_commit_callbacks):
    world.learning_set.reminder_hours = 72
    world.learning_set.save()
    in_three_days = MeetingFactory(learning_set=world.learning_set, starts_at=hours_from_now(70))
    beyond = MeetingFactory(learning_set=world.other_set, starts_at=hours_from_now(70))
    send_reminders(django_capture_on_commit_callbacks)
    recipients = {m.to[0] for m in reminders()}
    assert world.member.email in recipients
    assert world.other_member.email not in recipients
    in_three_days.refresh_from_db()
    beyond.refresh_from_db()
    assert in_three_days.reminder_sent_at is not None
    assert beyond.reminder_sent_at is None


@pytest.mark.parametrize(
    "case", ["cancelled", "held", "closed set", "no reminders", "started", "too far ahead"]
)
def test_no_reminder(world, django_capture_on_commit_callbacks, case):
    meeting = MeetingFactory(learning_set=world.learning_set, starts_at=hours_from_now(24))
    if case in ("cancelled", "held"):
        meeting.status = case
        meeting.save()
    elif case == "closed set":
        world.learning_set.status = LearningSet.Status.CLOSED
        world.learning_set.save()
    elif case == "no reminders":
        world.learning_set.reminder_hours = 0
        world.learning_set.save()
    elif case == "started":
        meeting.starts_at = hours_from_now(-1)
        meeting.save()
    else:
        meeting.starts_at = hours_from_now(49)
        meeting.ends_at = hours_from_now(52)
        meeting.save()
    send_reminders(django_capture_on_commit_callbacks)
    assert reminders() == []
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None


def test_two_sweeps_that_both_saw_the_meeting_claim_it_once(world, soon):
    """Two workers list the due meetings at the same moment; only one claim succeeds."""
    now = timezone.now()
    first_sweep, second_sweep = due_reminders(now), due_reminders(now)
    assert first_sweep == second_sweep == [soon.pk]
    assert claim_reminder(soon.pk, now) is True
    assert claim_reminder(soon.pk, now) is False


def test_a_meeting_cancelled_after_its_claim_sends_nothing(world, soon):
    assert claim_reminder(soon.pk, timezone.now())
    Meeting.objects.filter(pk=soon.pk).update(status=Meeting.Status.CANCELLED)
    send_reminder.call(soon.pk)
    assert reminders() == []


def test_a_moved_meeting_is_reminded_again(world, soon, django_capture_on_commit_callbacks):
    send_reminders(django_capture_on_commit_callbacks)
    assert len(reminders()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        change_meeting(
            soon,
            starts_at=soon.starts_at + timedelta(hours=2),
            ends_at=soon.ends_at + timedelta(hours=2),
            place=soon.place,
            video_link=soon.video_link,
        )
    mail.outbox.clear()
    send_reminders(django_capture_on_commit_callbacks)
    assert len(reminders()) == 3


def test_the_command_refuses_a_bad_interval(db):
    with pytest.raises(CommandError, match="whole number of minutes"):
        call_command("send_reminders", "--every", "0")
