"""Writes from the meeting page, and members' own apologies and report-backs.

Each function runs in one transaction. A write from the meeting page names the revision of
the meeting its form was rendered at; `_claim` moves the revision on with a conditional
UPDATE, so when someone else saved in between, nothing is written and `StaleMeeting` is
raised (the page answers 409 Conflict with the current values). Members' own writes move
the revision on too, so that a facilitator's out-of-date form cannot overwrite them. Every
write queues inaction detection for the set once it commits.

A report-back acts on its action as it is written; rewriting one undoes its earlier outcome
first:
- done: the action is done; dropped: the action is dropped;
- carried forward: the same action stays open, its carry count rises by one and it is due at
  the set's next meeting;
- partly done, not done: the action stays open and due where it was, so it comes up again at
  the next meeting its owner attends. Neither counts as a carry: the count records the set's
  explicit decision to carry the same commitment forward (what the "carried action" signal
  reads), while partly and not done stay in the report-back history.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext

from alsspace.audit import record
from alsspace.models import User
from sessions import queries
from sessions.audit_actions import MeetingAction as Audit
from sessions.inaction import schedule_detection
from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from sets import nudges
from sets.models import Nudge
from sets.services import activate_at_first_meeting

MAX_PLANNED_MINUTES = 240
LATEST_DUE = timedelta(days=3 * 365)


class StaleMeeting(Exception):
    """Someone else saved the meeting after this form was rendered."""


class OwnReportBack(ValidationError):
    """A change to a report-back its owner wrote themselves, not confirmed: nothing is
    written, and the page asks to confirm (docs/product.md#actions-and-report-backs)."""

    def __init__(self, owner: User) -> None:
        self.owner = owner
        name = owner.name.split(" ")[0] if owner.name else owner.email
        super().__init__(
            gettext(
                "%(name)s wrote this report-back themselves, so it was not changed. To change "
                "their words, tick “Yes, change %(name)s’s own report-back” and save again; the "
                "record will show that you changed it."
            )
            % {"name": name}
        )


# Guards


def _claim(meeting: Meeting, revision: int) -> None:
    """Move the meeting's revision on from the one the form was rendered at, or refuse."""
    claimed = (
        Meeting.objects.filter(pk=meeting.pk, revision=revision)
        .exclude(status=Meeting.Status.CANCELLED)
        .update(revision=F("revision") + 1, updated_at=timezone.now())
    )
    if not claimed:
        if Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.CANCELLED).exists():
            raise ValidationError(
                gettext("This meeting was cancelled, so nothing can be recorded at it.")
            )
        raise StaleMeeting
    meeting.revision = revision + 1
    _check_open_set(meeting)
    schedule_detection(meeting.learning_set)


def _bump(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    schedule_detection(meeting.learning_set)


def _check_open_set(meeting: Meeting) -> None:
    if meeting.learning_set.is_closed:
        raise ValidationError(
            gettext("%(set)s is closed, so its meetings are read-only.")
            % {"set": meeting.learning_set}
        )


def _check_member(meeting: Meeting, user: User | None, refusal: str) -> None:
    """`refusal` is the whole message, with %(set)s for the set's name."""
    if user is None or not queries.set_members(meeting.learning_set).filter(pk=user.pk).exists():
        raise ValidationError(refusal % {"set": meeting.learning_set})


def _check_ahead(meeting: Meeting, now: datetime) -> None:
    """Apologies are sent, or withdrawn, before a scheduled meeting starts."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open_set(meeting)
    if current.status != Meeting.Status.SCHEDULED:
        if current.status == Meeting.Status.HELD:
            raise ValidationError(
                gettext("This meeting is held, so apologies no longer apply to it.")
            )
        raise ValidationError(
            gettext("This meeting is cancelled, so apologies no longer apply to it.")
        )
    if current.starts_at <= now:
        raise ValidationError(
            gettext("This meeting has already started. Let your facilitator know directly instead.")
        )


def _check_not_held(meeting: Meeting, refusal: str) -> None:
    """Timing belongs to the meeting as it happens; once it is held, its record is only
    corrected. `refusal` is the whole message."""
    if Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.HELD).exists():
        raise ValidationError(refusal)


def _check_minutes(planned_minutes: int) -> None:
    if not 1 <= planned_minutes <= MAX_PLANNED_MINUTES:
        raise ValidationError(
            gettext("Planned time is 1 to %(max)d minutes.") % {"max": MAX_PLANNED_MINUTES}
        )


# Attendance and apologies


@transaction.atomic
def record_attendance(
    meeting: Meeting, *, member: User | None, status: str, revision: int, by: User
) -> Attendance:
    if status not in Attendance.Status.values:
        raise ValidationError(gettext("Choose present, late, left early, apologies or absent."))
    _claim(meeting, revision)
    _check_member(
        meeting,
        member,
        gettext("The person whose attendance is recorded must be a current member of %(set)s."),
    )
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting, user=member, defaults={"status": status, "recorded_by": by}
    )
    return row


@transaction.atomic
def send_apologies(meeting: Meeting, member: User, *, now: datetime | None = None) -> Attendance:
    now = now or timezone.now()
    _check_ahead(meeting, now)
    _check_member(
        meeting,
        member,
        gettext("The person sending apologies must be a current member of %(set)s."),
    )
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        user=member,
        defaults={
            "status": Attendance.Status.APOLOGIES,
            "apologies_sent_at": now,
            "recorded_by": member,
        },
    )
    _bump(meeting)
    # Someone not coming brings no issue: the nudge to bid for this meeting is settled.
    nudges.settle([Nudge.Kind.BRING_ISSUE], meeting.pk, member)
    return row


@transaction.atomic
def withdraw_apologies(
    meeting: Meeting, member: User, *, now: datetime | None = None
) -> Attendance:
    _check_ahead(meeting, now or timezone.now())
    row = Attendance.objects.filter(
        meeting=meeting, user=member, status=Attendance.Status.APOLOGIES
    ).first()
    if row is None:
        raise ValidationError(gettext("You have not sent apologies for this meeting."))
    row.status = ""
    row.apologies_sent_at = None
    row.recorded_by = member
    row.save(update_fields=["status", "apologies_sent_at", "recorded_by", "updated_at"])
    _bump(meeting)
    return row


# Airtime


def _slot(meeting: Meeting, slot: AirtimeSlot) -> AirtimeSlot:
    """The slot as it is now, locked; it may have gone since the form was rendered."""
    current = meeting.airtime_slots.select_for_update().filter(pk=slot.pk).first()
    if current is None:
        raise ValidationError(gettext("That airtime slot has been removed."))
    return current


@transaction.atomic
def add_slot(
    meeting: Meeting, *, presenter: User | None, topic: str, planned_minutes: int, revision: int
) -> AirtimeSlot:
    _claim(meeting, revision)
    _check_not_held(
        meeting,
        gettext(
            "This meeting is marked as held, so no presenter can be added now: their time "
            "could not be recorded. You can still correct the topics and planned times of "
            "those who presented."
        ),
    )
    _check_member(meeting, presenter, gettext("The presenter must be a current member of %(set)s."))
    _check_minutes(planned_minutes)
    last = meeting.airtime_slots.aggregate(last=Max("order"))["last"]
    return AirtimeSlot.objects.create(
        meeting=meeting,
        presenter=presenter,
        order=0 if last is None else last + 1,
        topic=topic.strip(),
        planned_minutes=planned_minutes,
    )


@transaction.atomic
def change_slot(
    meeting: Meeting, slot: AirtimeSlot, *, topic: str, planned_minutes: int, revision: int
) -> AirtimeSlot:
    _claim(meeting, revision)
    _check_minutes(planned_minutes)
    slot = _slot(meeting, slot)
    if slot.planned_minutes != planned_minutes and slot.phases.exists():
        raise ValidationError(
            gettext(
                "This slot runs in phases, so its planned time is theirs added up: change the "
                "phases' minutes instead."
            )
        )
    slot.topic = topic.strip()
    slot.planned_minutes = planned_minutes
    slot.save(update_fields=["topic", "planned_minutes"])
    return slot


@transaction.atomic
def move_slot(meeting: Meeting, slot: AirtimeSlot, *, up: bool, revision: int) -> None:
    """Swap the slot with its neighbour; the order is renumbered from 0 as it goes."""
    _claim(meeting, revision)
    slots = list(meeting.airtime_slots.select_for_update().order_by("order", "pk"))
    index = next((i for i, s in enumerate(slots) if s.pk == slot.pk), None)
    if index is None:
        raise ValidationError(gettext("That airtime slot has been removed."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(slots):
        slots[index], slots[other] = slots[other], slots[index]
    for order, each in enumerate(slots):
        each.order = order
    AirtimeSlot.objects.bulk_update(slots, ["order"])


@transaction.atomic
def remove_slot(meeting: Meeting, slot: AirtimeSlot, *, revision: int) -> None:
    """Remove a presenter's slot; actions they committed in it stay, without the slot."""
    _claim(meeting, revision)
    _slot(meeting, slot).delete()


def _stop(slot: AirtimeSlot, now: datetime) -> None:
    assert slot.timer_started_at is not None  # only a running timer is stopped
    elapsed = max(0, int((now - slot.timer_started_at).total_seconds()))
    slot.actual_seconds += elapsed
    slot.timer_started_at = None
    slot.save(update_fields=["actual_seconds", "timer_started_at"])


@transaction.atomic
def start_timer(
    meeting: Meeting, slot: AirtimeSlot, *, revision: int, now: datetime | None = None
) -> AirtimeSlot:
    """Start the slot's timer. One timer runs at a time: a running one is stopped first,
    its time kept."""
    now = now or timezone.now()
    _claim(meeting, revision)
    _check_not_held(
        meeting,
        gettext(
            "This meeting is marked as held, so its timers cannot be started. The time "
            "recorded stays as it is."
        ),
    )
    slot = _slot(meeting, slot)
    running = meeting.airtime_slots.select_for_update().filter(timer_started_at__isnull=False)
    for other in running.exclude(pk=slot.pk):
        _stop(other, now)
    if slot.timer_started_at is None:
        slot.timer_started_at = now
        slot.save(update_fields=["timer_started_at"])
    return slot


@transaction.atomic
def stop_timer(
    meeting: Meeting, slot: AirtimeSlot, *, revision: int, now: datetime | None = None
) -> AirtimeSlot:
    """Stop the slot's timer, adding the time since it started to its actual time."""
    _claim(meeting, revision)
    slot = _slot(meeting, slot)
    if slot.timer_started_at is not None:
        _stop(slot, now or timezone.now())
    return slot


# Actions


def _meeting_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(ZoneInfo(meeting.learning_set.programme.time_zone)).date()


def _owners_slot(meeting: Meeting, owner: User | None) -> AirtimeSlot | None:
    """The slot an action belongs to when its owner has several: the one on the clock, else
    the latest in the order that has time recorded, else their first."""
    slots = list(meeting.airtime_slots.filter(presenter=owner).order_by("order", "pk"))
    running = [slot for slot in slots if slot.timer_started_at]
    timed = [slot for slot in slots if slot.actual_seconds]
    if running:
        return running[0]
    if timed:
        return timed[-1]
    return slots[0] if slots else None


@transaction.atomic
def commit_action(
    meeting: Meeting,
    *,
    owner: User | None,
    text: str,
    due_on: date | None,
    by: User,
    revision: int,
) -> Action:
    """An action agreed at the meeting. It is due at the set's next meeting unless a date
    is given; it belongs to the owner's airtime slot in this meeting, if they presented."""
    _claim(meeting, revision)
    _check_member(
        meeting, owner, gettext("The owner of an action must be a current member of %(set)s.")
    )
    text = text.strip()
    if not text:
        raise ValidationError(gettext("Write what the action is."))
    if due_on is not None:
        day = _meeting_day(meeting)
        if due_on < day:
            raise ValidationError(gettext("An action's due date cannot be before the meeting."))
        if due_on > day + LATEST_DUE:
            raise ValidationError(gettext("An action's due date must be within three years."))
    slot = _owners_slot(meeting, owner)
    if slot is not None and slot.learning_noted_at is not None:
        # An action agreed after all: the slot no longer closed with none
        # (docs/product.md#learning-noted-no-action).
        slot.learning_noted_at = None
        slot.learning_noted_by = None
        slot.save(update_fields=["learning_noted_at", "learning_noted_by"])
    return Action.objects.create(
        learning_set=meeting.learning_set,
        owner=owner,
        committed_at=meeting,
        slot=slot,
        text=text,
        due_meeting=None if due_on else queries.next_meeting_after(meeting),
        due_on=due_on,
    )


@transaction.atomic
def remove_action(meeting: Meeting, action: Action, *, revision: int) -> None:
    """Take back an action recorded by mistake, before anyone has reported on it."""
    _claim(meeting, revision)
    action = Action.objects.select_for_update().filter(pk=action.pk, committed_at=meeting).first()
    if action is None:
        raise ValidationError(gettext("That action has already been removed."))
    if action.report_backs.exists():
        raise ValidationError(
            gettext("That action has been reported on, so it stays on the record.")
        )
    action.delete()


# Report-backs


def _apply(action: Action, outcome: str, meeting: Meeting) -> None:
    if outcome == ReportBack.Outcome.DONE:
        action.status = Action.Status.DONE
    elif outcome == ReportBack.Outcome.DROPPED:
        action.status = Action.Status.DROPPED
    elif outcome == ReportBack.Outcome.CARRIED:
        action.carry_count += 1
        action.due_meeting = queries.next_meeting_after(meeting)
        action.due_on = None


def _undo(action: Action, outcome: str, meeting: Meeting) -> None:
    action.status = Action.Status.OPEN
    if outcome == ReportBack.Outcome.CARRIED:
        action.carry_count = max(0, action.carry_count - 1)
        action.due_meeting = meeting


def _write_report_back(
    meeting: Meeting,
    action: Action,
    *,
    outcome: str,
    note: str,
    by: User,
    confirm_change: bool = False,
) -> ReportBack:
    if outcome not in ReportBack.Outcome.values:
        raise ValidationError(
            gettext("Choose done, partly done, not done, carried forward or dropped.")
        )
    action = (
        Action.objects.select_for_update()
        .select_related("committed_at")
        .filter(pk=action.pk, learning_set=meeting.learning_set_id)
        .first()
    )
    if action is None:
        raise ValidationError(gettext("That action is not one of this set's."))
    if action.committed_at.starts_at >= meeting.starts_at:
        raise ValidationError(
            gettext("An action is reported on at a meeting after the one it was agreed at.")
        )
    if action.report_backs.filter(meeting__starts_at__gt=meeting.starts_at).exists():
        raise ValidationError(
            gettext(
                "This action was reported on again at a later meeting; change the report there."
            )
        )
    note = note.strip()
    existing = (
        ReportBack.objects.select_for_update(of=("self",))
        .select_related("written_by")
        .filter(action=action, meeting=meeting)
        .first()
    )
    if existing is not None:
        if (existing.outcome, existing.note) == (outcome, note):
            return existing  # nothing changes, and nobody becomes its last writer
        owners_words = existing.written_by_id == action.owner_id and by.pk != action.owner_id
        if owners_words and not confirm_change:
            assert existing.written_by is not None  # the owner, who wrote it
            raise OwnReportBack(existing.written_by)
        _undo(action, existing.outcome, meeting)
    elif action.status != Action.Status.OPEN:
        if action.status == Action.Status.DONE:
            raise ValidationError(gettext("This action is already done."))
        raise ValidationError(gettext("This action is already dropped."))
    _apply(action, outcome, meeting)
    action.save(update_fields=["status", "carry_count", "due_meeting", "due_on"])
    if existing is None:
        return ReportBack.objects.create(
            action=action, meeting=meeting, outcome=outcome, note=note, author=by, written_by=by
        )
    if owners_words:
        record(
            Audit.REPORT_BACK_CHANGED,
            actor=by,
            programme=meeting.learning_set.programme_id,
            subject=existing.written_by.email if existing.written_by else "",
            set=meeting.learning_set.name,
            meeting=_meeting_day(meeting).isoformat(),
        )
    existing.outcome, existing.note, existing.written_by = outcome, note, by
    existing.save(update_fields=["outcome", "note", "written_by", "updated_at"])
    return existing


@transaction.atomic
def record_report_back(
    meeting: Meeting,
    *,
    action: Action,
    outcome: str,
    note: str,
    by: User,
    revision: int,
    confirm_change: bool = False,
) -> ReportBack:
    """The facilitator records a report-back. Changing one its owner wrote themselves needs
    `confirm_change`; without it `OwnReportBack` is raised and nothing is written."""
    _claim(meeting, revision)
    return _write_report_back(
        meeting, action, outcome=outcome, note=note, by=by, confirm_change=confirm_change
    )


@transaction.atomic
def write_own_report_back(action: Action, *, outcome: str, note: str, by: User) -> ReportBack:
    """The owner's report-back ahead of the meeting it is due at, which the facilitator sees
    on the meeting page. It can be rewritten until that meeting is marked as held."""
    if action.owner_id != by.pk:
        raise ValidationError(gettext("Only the action's owner can report back on it here."))
    meeting = queries.report_meeting(action)
    if meeting is None:
        raise ValidationError(
            gettext(
                "No meeting is scheduled to report back at yet. Once the next one is, you can "
                "write your report-back here."
            )
        )
    report = _write_report_back(meeting, action, outcome=outcome, note=note, by=by)
    _bump(meeting)
    return report


# The end of the meeting


@transaction.atomic
def save_process_review(meeting: Meeting, *, text: str, revision: int) -> None:
    _claim(meeting, revision)
    Meeting.objects.filter(pk=meeting.pk).update(process_review=text.strip())


@transaction.atomic
def mark_held(meeting: Meeting, *, revision: int, now: datetime | None = None) -> None:
    """The meeting took place. A running timer is stopped; owners' report-backs for it can
    no longer change; a set still forming becomes active."""
    now = now or timezone.now()
    _claim(meeting, revision)
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.status != Meeting.Status.SCHEDULED:
        raise ValidationError(gettext("This meeting is already marked as held."))
    if current.starts_at > now:
        raise ValidationError(
            gettext("This meeting has not started yet, so it cannot be marked as held.")
        )
    for slot in meeting.airtime_slots.select_for_update().filter(timer_started_at__isnull=False):
        _stop(slot, now)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.status = Meeting.Status.HELD
    # A forming set becomes active at its first held meeting.
    activate_at_first_meeting(meeting.learning_set)
