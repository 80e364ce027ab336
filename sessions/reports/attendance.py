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

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone

from sessions.models import Attendance, Meeting
from sets.models import LearningSet, Membership, Programme

ERASED_NAME = "Former member (erased)"
MEMBERS_PER_PAGE = 50
# Above this many sets the chart shows the programme's monthly total instead of a row per set;
# each set's own report has its months.
CHART_MAX_SETS = 12
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
        # Field by field: astuple() deep-copies, and a programme's report adds thousands.
        return Tally(*(getattr(self, name) + getattr(other, name) for name in COUNTS))

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
    """The report page's figures: every set, how many members there are and how many are
    below the threshold, and the monthly tallies per set or, for many sets, for them all."""

    scope: ReportScope
    sets: list
    member_count: int
    below_count: int
    monthly: dict  # (set id, or None for every set together, first day of the month) → Tally

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
    def chart_per_set(self):
        return len(self.sets) <= CHART_MAX_SETS

    @property
    def chart_rows(self):
        """(key in `monthly`, name) for each row of the chart."""
        if self.chart_per_set:
            return [(s.learning_set.pk, s.learning_set.name) for s in self.sets]
        return [(None, f"All {len(self.sets)} sets")]

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
    # A join to the programme, not `IN (its sets)`, so that PostgreSQL reaches the rows
    # through the index on their meeting rather than hashing every attendance row.
    rows = Attendance.objects.filter(
        _period("meeting__", scope),
        meeting__learning_set__programme=scope.programme,
        meeting__status=Meeting.Status.HELD,
    )
    if scope.learning_set is not None:
        rows = rows.filter(meeting__learning_set=scope.learning_set)
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
    tallies = {}
    for member in members:
        tallies[member.set_id] = tallies.get(member.set_id, Tally()) + member.tally
    return _set_summaries(scope, tallies, now=now)


def _set_summaries(scope, tallies, *, now):
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


def monthly_tallies(scope, *, per_set=True):
    """Tallies per calendar month in the programme's time zone, per set or, keyed None, for
    every set together. One query."""
    zone = scope.zone
    keys = ["meeting__learning_set", "month"] if per_set else ["month"]
    grouped = (
        counted_attendance(scope)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=zone))
        .values(*keys)
        .annotate(**COUNTS)
        .order_by()
    )
    return {
        (row.get("meeting__learning_set"), _first_day(row["month"], zone)): Tally.of(row)
        for row in grouped
    }


def _first_day(month, zone):
    if isinstance(month, datetime):
        month = timezone.localtime(month, zone) if timezone.is_aware(month) else month
        return month.date()
    return month


def member_tallies(scope):
    """One row per member per set with their tally, whether it is below the threshold, and
    the keys the member table is sorted by, as a queryset for the database to page."""
    threshold = scope.programme.attendance_threshold
    return (
        counted_attendance(scope)
        .values(
            set_pk=F("meeting__learning_set"),
            set_name=F("meeting__learning_set__name"),
            person=F("user"),
            name=F("user__name"),
            email=F("user__email"),
        )
        .annotate(**COUNTS)
        .annotate(
            below=Case(
                When(LessThan(F("attended") * 100, F("expected") * threshold), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            **_sort_keys(
                erased=Case(When(user__isnull=True, then=Value(True)), default=Value(False))
            ),
        )
        .order_by()
    )


def _sort_keys(*, erased):
    """Set, then named members before an erased account's rows, then name (in SQL, so that
    the database can sort and slice the page)."""
    return {
        "set_sort": Lower("set_name"),
        "erased": erased,
        "name_sort": Lower(Coalesce(NullIf("name", Value("")), "email", output_field=CharField())),
    }


def _uncounted_members(scope):
    """Current members with nothing expected of them yet, in the columns of member_tallies."""
    counted = counted_attendance(scope).filter(
        user=OuterRef("user"), meeting__learning_set=OuterRef("learning_set")
    )
    zero = Value(0, output_field=IntegerField())
    return (
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBER, learning_set__in=report_sets(scope))
        .filter(~Exists(counted))
        .values(
            set_pk=F("learning_set"),
            set_name=F("learning_set__name"),
            person=F("user"),
            name=F("user__name"),
            email=F("user__email"),
        )
        .annotate(
            **dict.fromkeys(COUNTS, zero),
            below=Value(False, output_field=BooleanField()),
            **_sort_keys(erased=Value(False)),
        )
        .order_by()
    )


MEMBER_ORDER = ["-below", "set_sort", "erased", "name_sort", "email", "person"]


def _rollup(scope):
    """Per set: the sum of its members' tallies, how many members have one and how many of
    them are below the threshold. One query, grouping the per-member rows again, so that the
    attendance is read once for all three."""
    per_member = member_tallies(scope)
    connection = connections[per_member.db]
    quote = connection.ops.quote_name
    sql, params = per_member.query.get_compiler(connection=connection).as_sql()
    sums = ", ".join(f"SUM({quote(name)})" for name in COUNTS)
    below = f"SUM(CASE WHEN {quote('below')} THEN 1 ELSE 0 END)"
    with connection.cursor() as cursor:
        # Only quoted names and the ORM's own SQL are interpolated; values go in `params`.
        cursor.execute(
            f"SELECT {quote('set_pk')}, {sums}, COUNT(*), {below} "  # noqa: S608
            f"FROM ({sql}) per_member GROUP BY {quote('set_pk')}",
            params,
        )
        rows = cursor.fetchall()
    return {row[0]: (Tally(*map(int, row[1:-2])), int(row[-2]), int(row[-1])) for row in rows}


def attendance_report(scope, now=None):
    """Everything the report page shows but the member table, in five queries."""
    rollup = _rollup(scope)
    sets = _set_summaries(
        scope, {pk: tally for pk, (tally, _, _) in rollup.items()}, now=now or timezone.now()
    )
    uncounted = _uncounted_members(scope).count()
    return AttendanceReport(
        scope=scope,
        sets=sets,
        member_count=sum(members for _, members, _ in rollup.values()) + uncounted,
        below_count=sum(below for _, _, below in rollup.values()),
        monthly=monthly_tallies(scope, per_set=len(sets) <= CHART_MAX_SETS),
    )


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, which the report has already counted."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


def member_page(report, number, *, below_only=False):
    """One page of the member table: those below the threshold first, then by set and name.
    The database sorts and slices; two queries, the page's rows and who is still a member."""
    scope = report.scope
    if below_only:
        rows, count = member_tallies(scope).filter(below=True), report.below_count
    else:
        rows = member_tallies(scope).union(_uncounted_members(scope), all=True)
        count = report.member_count
    paginator = CountedPaginator(rows.order_by(*MEMBER_ORDER), MEMBERS_PER_PAGE, count)
    page = paginator.get_page(number)
    found = list(page.object_list)
    current = set(
        Membership.objects.current()
        .filter(
            role=Membership.Role.MEMBER,
            learning_set__in={row["set_pk"] for row in found},
            user__in={row["person"] for row in found if row["person"]},
        )
        .values_list("learning_set", "user")
    )
    page.object_list = [
        MemberSummary(
            set_id=row["set_pk"],
            set_name=row["set_name"],
            user_id=row["person"],
            name=(row["name"] or row["email"]) if row["person"] else ERASED_NAME,
            email=row["email"] or "",
            tally=Tally.of(row),
            current=(row["set_pk"], row["person"]) in current,
            below=bool(row["below"]),
        )
        for row in found
    ]
    return page
