"""Finding whom to nudge, and of what (docs/product.md#nudges): the sweep `manage.py
send_reminders` runs beside the meeting reminders.

Each occasion nudges each person once (sets.nudges.nudge writes one row per person, kind and
occasion, and queues its email):

- the pulse is open for a held meeting they were at, and they have not answered it;
- their actions are due at their set's next meeting, which starts within NEXT_MEETING_DAYS;
- the set's current contract has waited CONTRACT_GRACE for them to accept it;
- their set's next meeting starts within NEXT_MEETING_DAYS: they can bring an issue to it
  (unless they have sent apologies for it).

Only members under the contract are nudged of meetings, since only they may answer the pulse,
report back or bring an issue; facilitators and programme admins are never nudged.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sessions import pulse
from sessions.models import Action, Attendance, Meeting, PulseReceipt
from sets import nudges
from sets.models import LearningSet, Membership, Nudge, NudgeOptOut
from sets.queries import members_with_contract_state

Kind = Nudge.Kind

# How far ahead a member hears that their set's next meeting is coming.
NEXT_MEETING_DAYS = 7
# A contract is not chased the moment it is written or someone joins: they are usually
# reading it already.
CONTRACT_GRACE = timedelta(days=1)
# Meeting kinds whose occasion is a meeting, which a move or a cancellation changes.
MEETING_KINDS = (Kind.ACTIONS_DUE, Kind.BRING_ISSUE, Kind.PULSE_OPEN)
# The longest a pulse stays open (LearningSet.pulse_window_days at most).
LONGEST_PULSE = timedelta(days=61)


class _Sweep:
    """One run: what exists already is read once, so a nudge already written is skipped
    without trying to write it again."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.open_sets: QuerySet[LearningSet] = LearningSet.objects.exclude(
            status=LearningSet.Status.CLOSED
        )
        self.members = list(members_with_contract_state(self.open_sets))
        self.under_contract = {
            (m.learning_set_id, m.user_id): m
            for m in self.members
            if m.accepted  # type: ignore[attr-defined]
        }
        people = {m.user_id for m in self.members}
        self.off: dict[int, set[str]] = defaultdict(set)
        for person, kind in NudgeOptOut.objects.filter(person__in=people).values_list(
            "person", "kind"
        ):
            self.off[person].add(kind)
        self.had: set[tuple[int, str, int]] = set()
        self.count = 0

    def remember(self, kinds: Iterable[str], occasions: Iterable[int]) -> None:
        """Read the nudges already written of these occasions, so as not to write them again."""
        self.had |= set(
            Nudge.objects.filter(kind__in=list(kinds), occasion__in=list(occasions)).values_list(
                "person", "kind", "occasion"
            )
        )

    def nudge(
        self,
        membership: Membership,
        kind: str,
        occasion: int,
        link: str,
        occasion_at: datetime | None = None,
        ends_at: datetime | None = None,
    ) -> None:
        if (membership.user_id, kind, occasion) in self.had:
            return
        made = nudges.nudge(
            membership.user,
            membership.learning_set,
            kind,
            occasion,
            link=link,
            occasion_at=occasion_at,
            ends_at=ends_at,
            off=self.off[membership.user_id],
        )
        self.had.add((membership.user_id, kind, occasion))
        self.count += made is not None

    def contracts(self) -> None:
        versions = {m.contract_id for m in self.members}  # type: ignore[attr-defined]
        self.remember([Kind.CONTRACT_WAITING], versions - {None})
        for m in self.members:
            contract = m.contract_id  # type: ignore[attr-defined]
            if contract is None or m.accepted:  # type: ignore[attr-defined]
                continue
            waiting_since = max(m.contract_at, m.joined_at)  # type: ignore[attr-defined]
            if self.now - waiting_since >= CONTRACT_GRACE:
                link = reverse("sets:contract", args=[m.learning_set_id])
                self.nudge(m, Kind.CONTRACT_WAITING, contract, link)

    def next_meetings(self) -> None:
        coming = Meeting.objects.filter(
            learning_set__in=self.open_sets,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=self.now,
            starts_at__lte=self.now + timedelta(days=NEXT_MEETING_DAYS),
        ).order_by("learning_set", "starts_at")
        next_of_set: dict[int, Meeting] = {}
        for meeting in coming:
            next_of_set.setdefault(meeting.learning_set_id, meeting)
        if not next_of_set:
            return
        meetings = {meeting.pk: meeting for meeting in next_of_set.values()}
        self.remember([Kind.BRING_ISSUE, Kind.ACTIONS_DUE], meetings)
        away = set(
            Attendance.objects.filter(
                meeting__in=list(meetings), status=Attendance.Status.APOLOGIES
            ).values_list("meeting", "user")
        )
        for m in self.under_contract.values():
            meeting = next_of_set.get(m.learning_set_id)
            # Someone who has sent apologies brings no issue; their actions are still due.
            if meeting is not None and (meeting.pk, m.user_id) not in away:
                link = reverse("meetings:meeting", args=[meeting.pk])
                self.nudge(
                    m, Kind.BRING_ISSUE, meeting.pk, link, meeting.starts_at, meeting.starts_at
                )
        owing = (
            Action.objects.filter(status=Action.Status.OPEN, due_meeting__in=list(meetings))
            .values_list("due_meeting", "owner")
            .distinct()
        )
        for meeting_id, owner in owing:
            meeting = meetings[meeting_id]
            m = self.under_contract.get((meeting.learning_set_id, owner))
            if m is not None:
                link = reverse("meetings:my_actions")
                self.nudge(
                    m, Kind.ACTIONS_DUE, meeting_id, link, meeting.starts_at, meeting.starts_at
                )

    def pulses(self) -> None:
        held = Meeting.objects.filter(
            learning_set__in=self.open_sets,
            status=Meeting.Status.HELD,
            pulse_published_at=None,
            ends_at__gt=self.now - LONGEST_PULSE,
            ends_at__lte=self.now,
        ).select_related("learning_set")
        open_pulses = {m.pk: m for m in held if not pulse.is_closed(m, self.now)}
        if not open_pulses:
            return
        self.remember([Kind.PULSE_OPEN], open_pulses)
        present = Attendance.objects.filter(
            meeting__in=list(open_pulses), status__in=Attendance.ATTENDED, user__isnull=False
        ).values_list("meeting", "user")
        answered = set(
            PulseReceipt.objects.filter(meeting__in=list(open_pulses)).values_list(
                "meeting", "user"
            )
        )
        for meeting_id, user in present:
            meeting = open_pulses[meeting_id]
            m = self.under_contract.get((meeting.learning_set_id, user))
            if m is not None and (meeting_id, user) not in answered:
                link = reverse("meetings:pulse", args=[meeting_id])
                closes = pulse.closes_at(meeting)
                self.nudge(m, Kind.PULSE_OPEN, meeting_id, link, meeting.starts_at, closes)


def send_due_nudges(now: datetime | None = None) -> int:
    """Write every nudge now due and queue its email; returns how many were written."""
    with transaction.atomic():
        sweep = _Sweep(now or timezone.now())
        sweep.contracts()
        sweep.next_meetings()
        sweep.pulses()
    return sweep.count


def meeting_moved(meeting: Meeting) -> None:
    """Nudges of a meeting that moved say its new time (the pulse's are of a held meeting,
    which does not move)."""
    nudges.move((Kind.ACTIONS_DUE, Kind.BRING_ISSUE), meeting.pk, meeting.starts_at)


def meeting_cancelled(meeting: Meeting) -> None:
    nudges.settle(MEETING_KINDS, meeting.pk)
