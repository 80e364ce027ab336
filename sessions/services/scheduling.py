"""Scheduling writes: one meeting, a series, a change or move, a cancellation.

Each runs in one transaction and checks again what the form checked, so no caller can write
a meeting that ends before it starts, lies in the past or belongs to a closed set. The
emails to the set are queued once the transaction commits.
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from alsspace.models import User
from sessions import nudging
from sessions.inaction import schedule_detection
from sessions.models import Attendance, Meeting, MeetingSeries
from sessions.recurrence import MAX_MEETINGS
from sessions.tasks import send_meeting_cancelled, send_meeting_changed, send_meetings_scheduled
from sets.models import LearningSet, Membership

# (start, end) of each meeting to schedule
Times = Sequence[tuple[datetime, datetime]]


def _check_open(learning_set: LearningSet) -> None:
    if learning_set.is_closed:
        raise ValidationError(
            gettext("%(set)s is closed, so its meetings can no longer change.")
            % {"set": learning_set}
        )


def _check_times(times: Times) -> None:
    if not 1 <= len(times) <= MAX_MEETINGS:
        raise ValidationError(
            gettext("A series has 1 to %(max)d meetings, not %(count)d.")
            % {"max": MAX_MEETINGS, "count": len(times)}
        )
    for starts_at, ends_at in times:
        if ends_at <= starts_at:
            raise ValidationError(gettext("A meeting must end after it starts."))
    if min(starts for starts, _ in times) <= timezone.now():
        raise ValidationError(gettext("A new meeting must start in the future."))


def _create_meetings(
    learning_set: LearningSet,
    times: Times,
    *,
    place: str,
    video_link: str,
    series: MeetingSeries | None,
    actor: User,
) -> list[Meeting]:
    meetings = Meeting.objects.bulk_create(
        Meeting(
            learning_set=learning_set,
            series=series,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            video_link=video_link,
            created_by=actor,
        )
        for starts_at, ends_at in times
    )
    # Every current member gets an attendance row, not yet recorded, for each meeting.
    members = list(
        Membership.objects.current()
        .filter(learning_set=learning_set, role=Membership.Role.MEMBER)
        .values_list("user_id", flat=True)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user_id=user_id) for meeting in meetings for user_id in members
    )
    ids = [meeting.pk for meeting in meetings]
    transaction.on_commit(lambda: send_meetings_scheduled.enqueue(ids))
    # Which meeting is next decides the "below quorum" signal.
    schedule_detection(learning_set)
    return meetings


@transaction.atomic
def schedule_meeting(
    learning_set: LearningSet,
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    video_link: str = "",
    actor: User,
) -> Meeting:
    _check_open(learning_set)
    _check_times([(starts_at, ends_at)])
    (meeting,) = _create_meetings(
        learning_set,
        [(starts_at, ends_at)],
        place=place,
        video_link=video_link,
        series=None,
        actor=actor,
    )
    return meeting


@transaction.atomic
def schedule_series(
    learning_set: LearningSet,
    *,
    times: Times,
    description: str,
    place: str = "",
    video_link: str = "",
    actor: User,
) -> MeetingSeries:
    """Meetings at the given (start, end) times, kept together as a series; each one can
    still be moved or cancelled on its own."""
    _check_open(learning_set)
    _check_times(times)
    series = MeetingSeries.objects.create(
        learning_set=learning_set, description=description, created_by=actor
    )
    _create_meetings(
        learning_set, times, place=place, video_link=video_link, series=series, actor=actor
    )
    return series


def _locked_scheduled(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("learning_set").get(pk=meeting.pk)
    _check_open(locked.learning_set)
    if locked.status != Meeting.Status.SCHEDULED:
        if locked.status == Meeting.Status.HELD:
            raise ValidationError(
                gettext(
                    "This meeting is held, so it can no longer be changed. Schedule a new "
                    "meeting instead."
                )
            )
        raise ValidationError(
            gettext(
                "This meeting is cancelled, so it can no longer be changed. Schedule a new "
                "meeting instead."
            )
        )
    return locked


@transaction.atomic
def change_meeting(
    meeting: Meeting, *, starts_at: datetime, ends_at: datetime, place: str, video_link: str
) -> str | None:
    """Move a meeting or change its place or video link. Returns "moved", "changed", or None
    when nothing changed. Calendars see a higher SEQUENCE; a moved meeting is reminded again."""
    locked = _locked_scheduled(meeting)
    moved = (starts_at, ends_at) != (locked.starts_at, locked.ends_at)
    if moved:
        _check_times([(starts_at, ends_at)])
    if not moved and (place, video_link) == (locked.place, locked.video_link):
        return None
    previous_starts_at = locked.starts_at
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.place, locked.video_link = place, video_link
    locked.sequence = F("sequence") + 1
    fields = ["starts_at", "ends_at", "place", "video_link", "sequence", "updated_at"]
    if moved:
        locked.reminder_sent_at = None
        fields.append("reminder_sent_at")
    locked.save(update_fields=fields)
    if moved:
        nudging.meeting_moved(locked)
    schedule_detection(locked.learning_set)
    transaction.on_commit(
        lambda: send_meeting_changed.enqueue(
            locked.pk, previous_starts_at.isoformat() if moved else None
        )
    )
    return "moved" if moved else "changed"


@transaction.atomic
def cancel_meeting(meeting: Meeting) -> None:
    """Cancel one meeting. It stays on the schedule, marked cancelled, and calendars show
    it cancelled rather than losing it."""
    locked = _locked_scheduled(meeting)
    locked.status = Meeting.Status.CANCELLED
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    nudging.meeting_cancelled(locked)
    schedule_detection(locked.learning_set)
    transaction.on_commit(lambda: send_meeting_cancelled.enqueue(locked.pk))
