"""Emails about meetings, sent by the task worker, and the reminder sweep.

Members hear when a meeting is scheduled (with the .ics), moved or changed, and cancelled
(with a STATUS:CANCELLED .ics), and get one reminder a set number of hours before it.

Reminders: `send_due_reminders` claims each due meeting with a conditional UPDATE
(reminder_sent_at IS NULL → now) in its own transaction before the reminder is queued, so
two sweeps running at once, or one running twice, never send a meeting's reminder twice.
`manage.py send_reminders` runs the sweep: from cron every 15 minutes, or with `--every 15`
as a long-running process beside `manage.py db_worker` (see that command's help). The same
sweep nudges people (`send_due_nudges`, sessions.nudging): each nudge is one row per person,
kind and occasion, so it too never nudges anyone twice.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_tasks import task

from alsspace.emails import language_of, send_templated_email
from sessions import nudging
from sessions.calendars import calendar_bytes, file_name
from sessions.models import Meeting
from sets.models import LearningSet
from sets.queries import roster


def _recipients(learning_set):
    """Everyone in the set now, facilitators and members (accepted the contract or not)."""
    return [m.user for m in roster(learning_set) if m.user.is_active]


def _meetings(ids):
    return list(
        Meeting.objects.filter(pk__in=ids)
        .exclude(learning_set__status=LearningSet.Status.CLOSED)
        .select_related("learning_set__programme")
        .order_by("starts_at")
    )


def _calendar_file(meetings):
    """The .ics an email carries, named as its download is: one meeting after its set and
    local date, several after their set."""
    if len(meetings) == 1:
        name = file_name(meetings[0])
    else:
        name = f"{slugify(meetings[0].learning_set.name)}-meetings.ics"
    return (name, calendar_bytes(meetings, method="PUBLISH").decode(), "text/calendar")


def _email_set(learning_set, template, context, calendar_meetings=None):
    for person in _recipients(learning_set):
        # Each person reads the times in their own time zone, and the email and its calendar
        # entries in their own language.
        with timezone.override(person.time_zone), translation.override(language_of(person)):
            attachments = [_calendar_file(calendar_meetings)] if calendar_meetings else []
            send_templated_email(
                f"sessions/email/{template}",
                person,
                {"person": person, "learning_set": learning_set, **context},
                attachments=attachments,
            )


@task()
def send_meetings_scheduled(meeting_ids):
    """One email per person for a new meeting or a whole new series, with one .ics."""
    meetings = [m for m in _meetings(meeting_ids) if m.status == Meeting.Status.SCHEDULED]
    if not meetings:
        return
    _email_set(
        meetings[0].learning_set,
        "meetings_scheduled",
        {"meetings": meetings},
        calendar_meetings=meetings,
    )


@task()
def send_meeting_changed(meeting_id, previous_starts_at=None):
    """After a move (`previous_starts_at` is the old start, ISO 8601) or a change of place or
    video link. Skipped if the meeting was cancelled meanwhile: that email follows."""
    meeting = next(iter(_meetings([meeting_id])), None)
    if meeting is None or meeting.status != Meeting.Status.SCHEDULED:
        return
    previous = datetime.fromisoformat(previous_starts_at) if previous_starts_at else None
    _email_set(
        meeting.learning_set,
        "meeting_changed",
        {"meeting": meeting, "previous_starts_at": previous},
        calendar_meetings=[meeting],
    )


@task()
def send_meeting_cancelled(meeting_id):
    meeting = next(iter(_meetings([meeting_id])), None)
    if meeting is None or meeting.status != Meeting.Status.CANCELLED:
        return
    _email_set(
        meeting.learning_set,
        "meeting_cancelled",
        {"meeting": meeting},
        calendar_meetings=[meeting],
    )


@task()
def send_reminder(meeting_id):
    """The reminder of a meeting `send_due_reminders` has claimed. Skipped if the meeting
    was cancelled or has started meanwhile."""
    meeting = next(iter(_meetings([meeting_id])), None)
    if (
        meeting is None
        or meeting.status != Meeting.Status.SCHEDULED
        or meeting.starts_at <= timezone.now()
    ):
        return
    _email_set(meeting.learning_set, "meeting_reminder", {"meeting": meeting})


def due_reminders(now):
    """Scheduled meetings of open sets that start within their set's reminder window and
    have had no reminder. The window differs per set, so it is applied here."""
    candidates = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            learning_set__reminder_hours__gt=0,
        )
        .exclude(learning_set__status=LearningSet.Status.CLOSED)
        .values_list("pk", "starts_at", "learning_set__reminder_hours")
    )
    return [pk for pk, starts_at, hours in candidates if starts_at <= now + timedelta(hours=hours)]


def claim_reminder(meeting_id, now):
    """Mark the meeting reminded; True for the one caller whose UPDATE changed the row."""
    return bool(
        Meeting.objects.filter(
            pk=meeting_id, reminder_sent_at__isnull=True, status=Meeting.Status.SCHEDULED
        ).update(reminder_sent_at=now)
    )


@task()
def send_due_reminders():
    """Claim every due reminder and queue its email; returns how many were claimed."""
    now = timezone.now()
    claimed = 0
    for meeting_id in due_reminders(now):
        with transaction.atomic():
            if claim_reminder(meeting_id, now):
                claimed += 1
                transaction.on_commit(lambda pk=meeting_id: send_reminder.enqueue(pk))
    return claimed


@task()
def send_due_nudges():
    """Write every nudge now due (sessions.nudging) and queue its email; returns how many."""
    return nudging.send_due_nudges()
