"""Attendance rates for a programme or one of its sets, counted in the database.

How a rate is worked out (docs/reports.md#definitions; the report page says the same in
plain words):

- attended: the member was present, late or left early at a held meeting;
- expected: each held meeting in the period with an attendance record for the member (one is
  made for every member when a meeting is scheduled, and whenever attendance is recorded),
  except a meeting held after they left the set (and had not rejoined), whatever was
  recorded for it before they left (apologies sent ahead included);
- apologies, absences and records left blank count as expected and not attended, and are
  counted on their own so that the report shows why a rate is low; someone who sent
  apologies and then came counts as they were recorded at the meeting (present, late or left
  early), not as apologies;
- the rate is attended ÷ expected in whole percent, rounded down, so that a member shown at
  74% is below a 75% threshold and one shown at 75% is not.

Scheduled and cancelled meetings never count. An erased account's rows stay, without a name,
each erased person one row of the member table, so that every total is what it was before
the erasure (the erasure removes the rows no report counted: see `held_after_leaving`). Every
figure comes from a fixed number of queries, whatever the number of sets, members and
meetings.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from sessions.models import Attendance, Meeting
from sets.models import LearningSet, Membership, Programme

# An erased person, as the API names them; pages and exports say it in the reader's language.
ERASED_NAME = "Former member (erased)"
ERASED_LABEL = gettext_lazy("Former member (erased)")
MEMBERS_PER_PAGE = 50
# Above this many sets the chart shows the programme's monthly total instead of a row per set;
# each set's own report has its months.
CHART_MAX_SETS = 12
# How filters and exports name a record left blank.
NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = gettext_lazy("Not recorded")
# What an export can be narrowed to: each recorded status, or records left blank.
# The labels here are stored (in the audit log) as they are; pages and exports translate them.
STATUS_CHOICES = [*Attendance.Status.choices, (NOT_RECORDED, "Not recorded")]

# The SQL of the member table's rows and its params (`_member_rows`).
SQL = tuple[str, tuple[Any, ...]]


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
    def zone(self) -> ZoneInfo:
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
    def of(cls, row: Mapping[str, Any]) -> "Tally":
        return cls(**{name: row[name] for name in COUNTS})

    def __add__(self, other: "Tally") -> "Tally":
        # Field by field: astuple() deep-copies, and a programme's report adds thousands.
        return Tally(*(getattr(self, name) + getattr(other, name) for name in COUNTS))

    @property
    def rate(self) -> int | None:
        """Whole percent attended, rounded down; None when nothing was expected."""
        return self.attended * 100 // self.expected if self.expected else None

    def below(self, threshold: int) -> bool:
        return self.expected > 0 and self.attended * 100 < threshold * self.expected


@dataclass(frozen=True)
class MemberSummary:
    """One person's attendance in one set. `user_id` is None for an erased account, which
    `erased_account` tells apart from others erased (None for those erased before it was
    kept, gathered in one row per set)."""

    set_id: int
    set_name: str
    user_id: int | None
    name: str
    email: str
    tally: Tally
    current: bool  # still a member of the set
    below: bool  # below the programme's attendance threshold
    erased_account: int | None = None

    @property
    def erased(self) -> bool:
        return self.user_id is None


@dataclass(frozen=True)
class SetSummary:
    learning_set: LearningSet
    facilitators: list[str]
    meetings_held: int
    next_meeting: datetime | None
    tally: Tally


@dataclass(frozen=True)
class AttendanceReport:
    """The report page's figures: every set, how many members there are and how many are
    below the threshold, and the monthly tallies per set or, for many sets, for them all."""

    scope: ReportScope
    sets: list[SetSummary]
    member_count: int
    below_count: int
    monthly: dict[
        tuple[int | None, date], Tally
    ]  # (set id, or None for every set together, first day of the month) → Tally
    member_rows: SQL  # the SQL and params of the member table's rows, for member_page

    @property
    def threshold(self) -> int:
        return self.scope.programme.attendance_threshold

    @cached_property  # the page shows several of its figures
    def total(self) -> Tally:
        return sum((s.tally for s in self.sets), Tally())

    @property
    def meetings_held(self) -> int:
        return sum(s.meetings_held for s in self.sets)

    @property
    def chart_per_set(self) -> bool:
        return len(self.sets) <= CHART_MAX_SETS

    @property
    def chart_rows(self) -> list[tuple[int | None, str]]:
        """(key in `monthly`, name) for each row of the chart."""
        if self.chart_per_set:
            return [(s.learning_set.pk, s.learning_set.name) for s in self.sets]
        count = len(self.sets)
        return [(None, ngettext("All %(n)d set", "All %(n)d sets", count) % {"n": count})]

    @property
    def months(self) -> list[date]:
        """Every month from the first with a held meeting to the last, gaps included."""
        if not self.monthly:
            return []
        first, last = min(m for _, m in self.monthly), max(m for _, m in self.monthly)
        months = []
        while first <= last:
            months.append(first)
            first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return months


def report_sets(scope: ReportScope) -> QuerySet[LearningSet]:
    sets = LearningSet.objects.filter(programme=scope.programme)
    if scope.learning_set is not None:
        sets = sets.filter(pk=scope.learning_set.pk)
    return sets


def _period(prefix: str, scope: ReportScope) -> Q:
    q = Q()
    if scope.starts is not None:
        q &= Q(**{f"{prefix}starts_at__gte": scope.starts})
    if scope.ends is not None:
        q &= Q(**{f"{prefix}starts_at__lt": scope.ends})
    return q


def period_of(scope: ReportScope) -> Q:
    """The meetings that start in the scope's period."""
    return _period("", scope)


def held_after_leaving() -> Q:
    """Whether an attendance row's meeting started after its person had left the set (and
    before any return to it): a meeting not expected of them, whatever was recorded for it
    before they left. An erased account has no memberships left to ask: its rows were kept
    only where this was false at the erasure (sessions.services.reporting.erase_attendance)."""
    memberships = Membership.objects.filter(
        user=OuterRef("user"), learning_set=OuterRef("meeting__learning_set")
    )
    starts = OuterRef("meeting__starts_at")
    return Exists(memberships.filter(left_at__lte=starts)) & ~Exists(
        memberships.filter(Q(left_at__isnull=True) | Q(left_at__gt=starts))
    )


def counted_attendance(scope: ReportScope) -> QuerySet[Attendance]:
    """The attendance rows behind every figure: one per member expected at a held meeting,
    that is every row of a held meeting but those held after their person left the set."""
    # A join to the programme, not `IN (its sets)`, so that PostgreSQL reaches the rows
    # through the index on their meeting rather than hashing every attendance row.
    rows = Attendance.objects.filter(
        _period("meeting__", scope),
        meeting__learning_set__programme=scope.programme,
        meeting__status=Meeting.Status.HELD,
    )
    if scope.learning_set is not None:
        rows = rows.filter(meeting__learning_set=scope.learning_set)
    # Whether a row was held after its person left is asked only of people who have left a
    # set of the programme: the rest are found in one hashed list, not a lookup per row.
    leavers = Membership.objects.filter(
        learning_set__programme=scope.programme, left_at__isnull=False
    ).values("user")
    return rows.filter(Q(user__isnull=True) | ~Q(user__in=leavers) | ~held_after_leaving())


def exported_attendance(scope: ReportScope) -> QuerySet[Attendance]:
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


def member_summaries(scope: ReportScope) -> list[MemberSummary]:
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
            "erased_account",
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
                name=(row["user__name"] or row["user__email"]) if user_id else str(ERASED_LABEL),
                email=row["user__email"] or "",
                tally=tally,
                current=(set_id, user_id) in current_by_key,
                below=tally.below(threshold),
                erased_account=row["erased_account"],
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
        key=lambda s: (
            s.set_name.casefold(),
            s.erased,
            s.name.casefold(),
            s.email,
            s.erased_account or 0,
        ),
    )


def set_summaries(
    scope: ReportScope, members: Iterable[MemberSummary], *, now: datetime
) -> list[SetSummary]:
    """Each set with its facilitators, meetings held in the period and next meeting (two
    queries); its tally is the sum of its members', so the two always agree."""
    tallies: dict[int, Tally] = {}
    for member in members:
        tallies[member.set_id] = tallies.get(member.set_id, Tally()) + member.tally
    return _set_summaries(scope, tallies, now=now)


def _set_summaries(
    scope: ReportScope, tallies: Mapping[int, Tally], *, now: datetime
) -> list[SetSummary]:
    held = Q(meetings__status=Meeting.Status.HELD) & _period("meetings__", scope)
    upcoming = Q(meetings__status=Meeting.Status.SCHEDULED, meetings__starts_at__gt=now)
    sets = list(
        report_sets(scope)
        .only("name")
        .annotate(
            meetings_held=Count("meetings", filter=held),
            next_meeting=Min("meetings__starts_at", filter=upcoming),
        )
        .order_by("name")
    )
    facilitators: dict[int, list[str]] = {}
    for set_pk, name, email in (
        Membership.objects.current()
        .filter(role=Membership.Role.FACILITATOR, learning_set__in=[s.pk for s in sets])
        .order_by("user__name")
        .values_list("learning_set", "user__name", "user__email")
    ):
        facilitators.setdefault(set_pk, []).append(name or email)
    return [
        SetSummary(
            learning_set=s,
            facilitators=facilitators.get(s.pk, []),
            meetings_held=s.meetings_held,
            next_meeting=s.next_meeting,
            tally=tallies.get(s.pk, Tally()),
        )
        for s in sets
    ]


def monthly_tallies(
    scope: ReportScope, *, per_set: bool = True
) -> dict[tuple[int | None, date], Tally]:
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


def _first_day(month: date, zone: ZoneInfo) -> date:
    if isinstance(month, datetime):
        month = timezone.localtime(month, zone) if timezone.is_aware(month) else month
        return month.date()
    return month


def member_tallies(scope: ReportScope) -> QuerySet[Attendance, dict[str, Any]]:
    """One row per person per set with a counted attendance: set and person ids (or, for an
    erased account, its number), their tally and whether it is below the threshold. Ids
    only: grouping by names would carry them through every attendance row, and the member
    table needs them only for its page."""
    threshold = scope.programme.attendance_threshold
    return (
        counted_attendance(scope)
        .values(set_pk=F("meeting__learning_set"), person=F("user"), erased=F("erased_account"))
        .annotate(**COUNTS)
        .annotate(
            below=Case(
                When(LessThan(F("attended") * 100, F("expected") * threshold), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by()
    )


def current_members(scope: ReportScope) -> QuerySet[Membership, Any]:
    """The set and person ids of each current member of the report's sets."""
    return (
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBER, learning_set__in=report_sets(scope))
        .values(set_pk=F("learning_set"), person=F("user"))
        .order_by()
    )


def _sql(queryset: QuerySet[Any, Any]) -> SQL:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return str(sql), tuple(params)


def _member_rows(scope: ReportScope) -> SQL:
    """SQL and params for the member table's rows, by ids: every tally, and every current
    member with none yet (zeros). One full join gives both, and whether each person is still
    a member. Columns: set_pk, person, erased, the COUNTS, below, is_current."""
    tallies, tally_params = _sql(member_tallies(scope))
    current, current_params = _sql(current_members(scope))
    counts = ", ".join(f"COALESCE(t.{name}, 0) AS {name}" for name in COUNTS)
    # Only fixed names and the ORM's own SQL are interpolated; values go in the params.
    sql = (
        "SELECT COALESCE(t.set_pk, c.set_pk) AS set_pk, "  # noqa: S608
        "COALESCE(t.person, c.person) AS person, t.erased AS erased, "
        f"{counts}, COALESCE(t.below, FALSE) AS below, c.person IS NOT NULL AS is_current "
        f"FROM ({tallies}) t FULL JOIN ({current}) c "
        "ON c.set_pk = t.set_pk AND c.person = t.person"
    )
    return sql, (*tally_params, *current_params)


def _rollup(member_rows: SQL) -> dict[int, tuple[Tally, int, int]]:
    """Per set: the sum of its members' tallies, how many members it has and how many of them
    are below the threshold. One query over the member rows, so that the attendance is read
    once for all three."""
    members, params = member_rows
    sums = ", ".join(f"SUM({name})" for name in COUNTS)
    with connections[Attendance.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT set_pk, {sums}, COUNT(*), SUM(CASE WHEN below THEN 1 ELSE 0 END) "  # noqa: S608
            f"FROM ({members}) m GROUP BY set_pk",
            params,
        )
        rows = cursor.fetchall()
    return {row[0]: (Tally(*map(int, row[1:-2])), int(row[-2]), int(row[-1])) for row in rows}


def attendance_report(scope: ReportScope, now: datetime | None = None) -> AttendanceReport:
    """Everything the report page shows but the member table, in four queries."""
    member_rows = _member_rows(scope)
    rollup = _rollup(member_rows)
    sets = _set_summaries(
        scope, {pk: tally for pk, (tally, _, _) in rollup.items()}, now=now or timezone.now()
    )
    return AttendanceReport(
        scope=scope,
        sets=sets,
        member_count=sum(members for _, members, _ in rollup.values()),
        below_count=sum(below for _, _, below in rollup.values()),
        monthly=monthly_tallies(scope, per_set=len(sets) <= CHART_MAX_SETS),
        member_rows=member_rows,
    )


class MemberRows:
    """The member table's rows in its order, with names, read a slice at a time (what a
    Paginator asks for): those below the threshold first, then by set, named people before
    an erased account's rows, then by name. The names are joined to the grouped rows, once
    per row rather than once per attendance."""

    def __init__(self, member_rows: SQL, *, below_only: bool) -> None:
        members, self.params = member_rows
        self.connection = connections[Attendance.objects.db]
        quote = self.connection.ops.quote_name
        sets, people = quote(LearningSet._meta.db_table), quote(get_user_model()._meta.db_table)
        self.sql = (
            "SELECT m.*, s.name AS set_name, u.name AS name, u.email AS email "  # noqa: S608
            f"FROM ({members}) m JOIN {sets} s ON s.id = m.set_pk "
            f"LEFT JOIN {people} u ON u.id = m.person "
            f"{'WHERE m.below ' if below_only else ''}"
            "ORDER BY m.below DESC, LOWER(s.name), m.person IS NULL, "
            "LOWER(COALESCE(NULLIF(u.name, ''), u.email)), u.email, m.person, m.erased"
        )

    def __getitem__(self, rows: slice) -> list[dict[str, Any]]:
        if rows.stop <= rows.start:
            return []
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"{self.sql} LIMIT %s OFFSET %s",
                (*self.params, rows.stop - rows.start, rows.start),
            )
            columns = [column[0] for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class CountedPaginator(Paginator[Any]):
    """A paginator told how many rows there are, which the report has already counted."""

    # Any: MemberRows is sliced only, never indexed, iterated or measured, which is less
    # than django-stubs' protocol for what a Paginator pages through.
    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count


def member_page(
    report: AttendanceReport, number: int | str | None, *, below_only: bool = False
) -> Page[Any]:
    """One page of the member table, sorted and sliced by the database in one query."""
    count = report.below_count if below_only else report.member_count
    rows = MemberRows(report.member_rows, below_only=below_only)
    page = CountedPaginator(rows, MEMBERS_PER_PAGE, count).get_page(number)
    page.object_list = [
        MemberSummary(
            set_id=row["set_pk"],
            set_name=row["set_name"],
            user_id=row["person"],
            name=(row["name"] or row["email"]) if row["person"] else str(ERASED_LABEL),
            email=row["email"] or "",
            tally=Tally.of(row),
            current=bool(row["is_current"]),
            below=bool(row["below"]),
            erased_account=row["erased"],
        )
        for row in page.object_list
    ]
    return page
