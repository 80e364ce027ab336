"""Attendance rates for a programme or one of its sets, counted in the database.

How a rate is worked out (the report page says the same in plain words):

- attended: the member was present, late or left early at a held meeting;
- expected: each held meeting in the period with an attendance record for the member (one is
  made for every member when a meeting is scheduled, and whenever attendance is recorded),
  except a meeting held after they left the set with nothing recorded for them;
- apologies, absences and records left blank count as expected and not attended, and are
  counted on their own so that the report shows why a rate is low;
- the rate is attended ÷ expected in whole percent, rounded down, so that a member shown at
  74% is below a 75% threshold and one shown at 75% is not.

Scheduled and cancelled meetings never count. An erased account's rows stay, without a name,
so that totals still add up. Every figure comes from a fixed number of queries, whatever the
number of sets, members and meetings.
"""

from dataclasses import astuple, dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sessions.models import Attendance, Meeting
from sets.models import LearningSet, Membership, Programme

ERASED_NAME = "Former member (erased)"
# How filters and exports name a record left blank.
NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = "Not recorded"
# What an export can be narrowed to: each recorded status, or records left blank.
STATUS_CHOICES = [*Attendance.Status.choices, (NOT_RECORDED, NOT_RECORDED_LABEL)]


@dataclass(frozen=True)
class ReportScope:
    """What a report or an export covers: a programme, perhaps one of its sets, perhaps a
    period (meetings starting at or after `starts` and before `ends`) and, for an export, one
    status (an Attendance.Status value or NOT_RECORDED)."""

    programme: Programme
    learning_set: LearningSet | None = None
    starts: datetime | None = None
    ends: datetime | None = None
    status: str = ""

    @property
    def zone(self):
        return ZoneInfo(self.programme.time_zone)


# One aggregate per column of a tally; the keys are Tally's fields, in order.
COUNTS = {
    "expected": Count("pk"),
    "attended": Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
    "apologies": Count("pk", filter=Q(status=Attendance.Status.APOLOGIES)),
    "absent": Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
    "not_recorded": Count("pk", filter=Q(status="")),
}


@dataclass(frozen=True)
class Tally:
    expected: int = 0
    attended: int = 0
    apologies: int = 0
    absent: int = 0
    not_recorded: int = 0

    @classmethod
    def of(cls, row):
        return cls(**{name: row[name] for name in COUNTS})

    def __add__(self, other):
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def rate(self):
        """Whole percent attended, rounded down; None when nothing was expected."""
        return self.attended * 100 // self.expected if self.expected else None

    def below(self, threshold):
        return self.expected > 0 and self.attended * 100 < threshold * self.expected


@dataclass(frozen=True)
class MemberSummary:
    """One person's attendance in one set. `user_id` is None for erased accounts, whose rows
    in a set are gathered under one name."""

    set_id: int
    set_name: str
    user_id: int | None
    name: str
    email: str
    tally: Tally
    current: bool  # still a member of the set
    below: bool  # below the programme's attendance threshold

    @property
    def erased(self):
        return self.user_id is None


@dataclass(frozen=True)
class SetSummary:
    learning_set: LearningSet
    facilitators: list
    meetings_held: int
    next_meeting: datetime | None
    tally: Tally


@dataclass(frozen=True)
class AttendanceReport:
    scope: ReportScope
    sets: list
    members: list
    monthly: dict  # (set id, first day of the month) → Tally

    @property
    def threshold(self):
        return self.scope.programme.attendance_threshold

    @property
    def total(self):
        return sum((s.tally for s in self.sets), Tally())

    @property
    def meetings_held(self):
        return sum(s.meetings_held for s in self.sets)

    @property
    def below(self):
        return [m for m in self.members if m.below]

    @property
    def months(self):
        """Every month from the first with a held meeting to the last, gaps included."""
        if not self.monthly:
            return []
        first, last = min(m for _, m in self.monthly), max(m for _, m in self.monthly)
        months = []
        while first <= last:
            months.append(first)
            first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return months


def report_sets(scope):
    sets = LearningSet.objects.filter(programme=scope.programme)
    if scope.learning_set is not None:
        sets = sets.filter(pk=scope.learning_set.pk)
    return sets


def _period(prefix, scope):
    q = Q()
    if scope.starts is not None:
        q &= Q(**{f"{prefix}starts_at__gte": scope.starts})
    if scope.ends is not None:
        q &= Q(**{f"{prefix}starts_at__lt": scope.ends})
    return q


def counted_attendance(scope):
    """The attendance rows behind every figure: one per member expected at a held meeting."""
    in_set_then = Membership.objects.filter(
        user=OuterRef("user"), learning_set=OuterRef("meeting__learning_set")
    ).filter(Q(left_at__isnull=True) | Q(left_at__gt=OuterRef("meeting__starts_at")))
    rows = Attendance.objects.filter(
        _period("meeting__", scope),
        meeting__learning_set__in=report_sets(scope),
        meeting__status=Meeting.Status.HELD,
    )
    return rows.filter(~Q(status="") | Exists(in_set_then))


def exported_attendance(scope):
    """The rows of an export: those counted, narrowed to one status if the scope names one,
    by set, meeting and member name."""
    rows = counted_attendance(scope)
    if scope.status:
        rows = rows.filter(status="" if scope.status == NOT_RECORDED else scope.status)
    return rows.order_by(
        "meeting__learning_set__name",
        "meeting__starts_at",
        F("user__name").asc(nulls_last=True),
        "pk",
    )


def member_summaries(scope):
    """Every member's tally in each set, current members with nothing expected yet included,
    by set and name. Two queries."""
    threshold = scope.programme.attendance_threshold
    grouped = (
        counted_attendance(scope)
        .values(
            "meeting__learning_set",
            "meeting__learning_set__name",
            "user",
            "user__name",
            "user__email",
        )
        .annotate(**COUNTS)
        .order_by()
    )
    current = (
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBER, learning_set__in=report_sets(scope))
        .values_list("learning_set", "learning_set__name", "user", "user__name", "user__email")
    )
    current_by_key = {(row[0], row[2]): row for row in current}
    summaries = []
    for row in grouped:
        set_id, user_id, tally = row["meeting__learning_set"], row["user"], Tally.of(row)
        summaries.append(
            MemberSummary(
                set_id=set_id,
                set_name=row["meeting__learning_set__name"],
                user_id=user_id,
                name=(row["user__name"] or row["user__email"]) if user_id else ERASED_NAME,
                email=row["user__email"] or "",
                tally=tally,
                current=(set_id, user_id) in current_by_key,
                below=tally.below(threshold),
            )
        )
    counted = {(s.set_id, s.user_id) for s in summaries}
    summaries += [
        MemberSummary(set_id, set_name, user_id, name or email, email, Tally(), True, False)
        for (set_id, set_name, user_id, name, email) in current_by_key.values()
        if (set_id, user_id) not in counted
    ]
    return sorted(
        summaries,
        key=lambda s: (s.set_name.casefold(), s.erased, s.name.casefold(), s.email),
    )


def set_summaries(scope, members, *, now):
    """Each set with its facilitators, meetings held in the period and next meeting (two
    queries); its tally is the sum of its members', so the two always agree."""
    held = Q(meetings__status=Meeting.Status.HELD) & _period("meetings__", scope)
    upcoming = Q(meetings__status=Meeting.Status.SCHEDULED, meetings__starts_at__gt=now)
    sets = (
        report_sets(scope)
        .annotate(
            meetings_held=Count("meetings", filter=held),
            next_meeting=Min("meetings__starts_at", filter=upcoming),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(role=Membership.Role.FACILITATOR)
                .select_related("user")
                .order_by("user__name"),
                to_attr="facilitator_memberships",
            )
        )
        .order_by("name")
    )
    tallies = {}
    for member in members:
        tallies[member.set_id] = tallies.get(member.set_id, Tally()) + member.tally
    return [
        SetSummary(
            learning_set=s,
            facilitators=[str(m.user) for m in s.facilitator_memberships],
            meetings_held=s.meetings_held,
            next_meeting=s.next_meeting,
            tally=tallies.get(s.pk, Tally()),
        )
        for s in sets
    ]


def monthly_tallies(scope):
    """Tallies per set per calendar month in the programme's time zone. One query."""
    zone = scope.zone
    grouped = (
        counted_attendance(scope)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=zone))
        .values("meeting__learning_set", "month")
        .annotate(**COUNTS)
        .order_by()
    )
    return {
        (row["meeting__learning_set"], _first_day(row["month"], zone)): Tally.of(row)
        for row in grouped
    }


def _first_day(month, zone):
    if isinstance(month, datetime):
        month = timezone.localtime(month, zone) if timezone.is_aware(month) else month
        return month.date()
    return month


def attendance_report(scope, now=None):
    """Everything the report page shows, in five queries."""
    members = member_summaries(scope)
    return AttendanceReport(
        scope=scope,
        sets=set_summaries(scope, members, now=now or timezone.now()),
        members=members,
        monthly=monthly_tallies(scope),
    )
