"""What a set's signals and dashboard read: its meetings, attendance, airtime, actions and
pulse results, loaded in a fixed number of queries however many members and meetings it
has. Journals are not part of it, and never will be
(docs/signals.md#what-signals-never-read)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.utils import timezone

from alsspace.models import User
from sessions import pulse, queries
from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from sets.models import LearningSet


def airtime_seconds(slot: AirtimeSlot) -> int:
    """A slot's airtime: the timed seconds, or its planned minutes when nobody timed it."""
    return slot.actual_seconds or slot.planned_minutes * 60


@dataclass
class SetHistory:
    learning_set: LearningSet
    now: datetime
    members: list[User]  # current members (not facilitators), by name
    meetings: list[Meeting]  # every meeting not cancelled, earliest first
    held: list[Meeting]  # meetings marked held, earliest first
    next_meeting: Meeting | None  # the next scheduled meeting that has not started
    attendance: dict[tuple[int, int | None], Attendance]  # (meeting id, user id) → Attendance
    slots: dict[int, list[AirtimeSlot]]  # meeting id → its airtime slots, in order
    # every action of the set; owners that are members are in members_by_id
    actions: list[Action]
    reports: dict[int, list[ReportBack]]  # action id → its report-backs, in meeting order
    pulse: dict[int, pulse.Result]  # held meeting id → its pulse result

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.learning_set.programme.time_zone)

    @cached_property
    def members_by_id(self) -> dict[int, User]:
        return {member.pk: member for member in self.members}

    @cached_property
    def held_by_id(self) -> dict[int, Meeting]:
        return {meeting.pk: meeting for meeting in self.held}

    @cached_property
    def held_ids(self) -> set[int]:
        return set(self.held_by_id)

    def latest(self, count: int) -> list[Meeting] | None:
        """The last `count` held meetings, or None when there have not been that many."""
        return self.held[-count:] if 0 < count <= len(self.held) else None

    def status(self, meeting: Meeting, member: User) -> str:
        row = self.attendance.get((meeting.pk, member.pk))
        return row.status if row else ""

    def attended(self, meeting: Meeting, member: User) -> bool:
        return self.status(meeting, member) in Attendance.ATTENDED

    def presented(self, meeting: Meeting, member: User) -> bool:
        return any(slot.presenter_id == member.pk for slot in self.slots.get(meeting.pk, []))

    def only_learning_noted(self, meeting: Meeting, member: User) -> bool:
        """Every slot the member had at the meeting was closed as "learning noted, no
        action" (docs/product.md#learning-noted-no-action)."""
        own = [slot for slot in self.slots.get(meeting.pk, []) if slot.presenter_id == member.pk]
        return bool(own) and all(slot.learning_noted_at is not None for slot in own)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def reports_at(self, meeting: Meeting) -> list[ReportBack]:
        """Every report-back given at a meeting, on any of the set's actions."""
        return self.reports_by_meeting.get(meeting.pk, [])

    @cached_property
    def reports_by_meeting(self) -> dict[int, list[ReportBack]]:
        by_meeting: defaultdict[int, list[ReportBack]] = defaultdict(list)
        for reports in self.reports.values():
            for report in reports:
                by_meeting[report.meeting_id].append(report)
        return dict(by_meeting)

    def held_reports(self, action: Action) -> list[ReportBack]:
        """The action's report-backs at held meetings, in meeting order."""
        return [r for r in self.reports.get(action.pk, []) if r.meeting_id in self.held_ids]


def load(
    learning_set: LearningSet, now: datetime | None = None, *, action_text: bool = True
) -> SetHistory:
    """The set's history. The figures alone never read what was said (an action's text, a
    slot's topic, a report-back's note), so a caller that only draws them passes
    action_text=False and none of it is decrypted."""
    now = now or timezone.now()
    # Each query loads only the fields the signals, the figures and the prompts' words read.
    action_fields = ["owner", "committed_at", "due_meeting", "due_on", "status"]
    meetings = list(
        learning_set.meetings.exclude(status=Meeting.Status.CANCELLED)
        .only("learning_set", "starts_at", "ends_at", "status", "pulse_published_at")
        .order_by("starts_at", "pk")
    )
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    upcoming = (m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.starts_at > now)
    next_meeting = next(upcoming, None)
    watched = [m.pk for m in held] + ([next_meeting.pk] if next_meeting else [])
    attendance = {
        (row.meeting_id, row.user_id): row
        for row in Attendance.objects.filter(meeting__in=watched, user__isnull=False).only(
            "meeting", "user", "status", "apologies_sent_at"
        )
    }
    slots: defaultdict[int, list[AirtimeSlot]] = defaultdict(list)
    for slot in (
        AirtimeSlot.objects.filter(meeting__in=[m.pk for m in held])
        .only(
            "meeting",
            "presenter",
            "planned_minutes",
            "actual_seconds",
            "learning_noted_at",
            *(["topic"] if action_text else []),
        )
        .order_by("meeting_id", "order", "pk")
    ):
        slots[slot.meeting_id].append(slot)
    actions = list(
        Action.objects.filter(learning_set=learning_set)
        .only(*action_fields, *(["text"] if action_text else []))
        .order_by("committed_at__starts_at", "pk")
    )
    reports: defaultdict[int, list[ReportBack]] = defaultdict(list)
    for report in (
        ReportBack.objects.filter(action__in=[action.pk for action in actions])
        .only("action", "meeting", "outcome", *(["note"] if action_text else []))
        .order_by("meeting__starts_at", "pk")
    ):
        reports[report.action_id].append(report)
    return SetHistory(
        learning_set=learning_set,
        now=now,
        members=list(queries.set_members(learning_set).only("name", "email")),
        meetings=meetings,
        held=held,
        next_meeting=next_meeting,
        attendance=attendance,
        slots=dict(slots),
        actions=actions,
        reports=dict(reports),
        pulse=pulse.results(held, learning_set.programme, now),
    )
