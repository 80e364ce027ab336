"""The programme evaluation report: what a programme's admins hand to the sponsoring
organisation, with nothing confidential in it (docs/reports.md#the-evaluation-report).

Per set and for the programme, over whole calendar months in the programme's time zone:

- attendance: attended ÷ expected, as the attendance report counts them
  (sessions.reports.attendance.counted_attendance), and the commitment rate: attended or sent
  apologies with notice (sessions.notice.with_notice_q) ÷ expected;
- action outcomes: report-backs given at held meetings saying done, carried forward or
  dropped (partly done and not done leave an action open without a carry, and are none of
  the three);
- the pulse: the mean safety score of the published pulses of every set together, by month,
  never a pulse that has not been published, and only once no pulse of the month can still
  be (`pulse_settles_at`): the report publishes what has closed with enough answers itself,
  so a month's figure never changes with who has looked at a set's results, which would let
  an admin subtract one look from the next and read one meeting's pulse;
- the value stories their authors share with the programme now, named or anonymised as each
  chose (sessions.queries.consented_stories), whatever the months: the one place a programme
  reads them (docs/confidentiality.md#value-stories).

Every figure is worked out per month first; each month's table goes through
sessions.reports.disclosure, and a figure over the period is published only if it is
published in every one of its months. Nothing else of what was said, and nobody's name but a
named story's author, is read. Ten queries (and four more the one time some pulses are due
to be published), whatever the number of sets, meetings, months
and stories.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from sessions import pulse
from sessions.models import (
    Attendance,
    Meeting,
    PulseItem,
    PulseReceipt,
    PulseTally,
    ReportBack,
)
from sessions.notice import with_notice_q
from sessions.queries import ConsentedStory, consented_stories
from sessions.reports import disclosure
from sessions.reports.attendance import ReportScope, counted_attendance, report_sets
from sets.models import PULSE_WINDOW_MAX_DAYS

# A month's pulse across sets draws on at least this many sets, so that no set's own pulse
# (which a programme's admins never see, docs/confidentiality.md#who-sees-what) reaches them.
MIN_PULSE_SETS = 2

ATTENDANCE = "attendance"
OUTCOMES = [
    (ReportBack.Outcome.DONE, "done"),
    (ReportBack.Outcome.CARRIED, "carried"),
    (ReportBack.Outcome.DROPPED, "dropped"),
]
OUTCOME_NAMES = dict(OUTCOMES)
PULSE = "pulse"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month(value: date | datetime) -> date:
    """A truncated month as its first day (TruncMonth gives a date or an aware datetime)."""
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class AttendanceFigures:
    """Attendance of a set or the programme: None where held back."""

    name: str
    expected: int | None
    attended: int | None
    committed: int | None

    @property
    def held(self) -> bool:
        return self.expected is None

    @property
    def rate(self) -> int | None:
        """Whole percent, rounded down, as the attendance report has it."""
        if self.expected and self.attended is not None:
            return self.attended * 100 // self.expected
        return None

    @property
    def commitment_rate(self) -> int | None:
        if self.expected and self.committed is not None:
            return self.committed * 100 // self.expected
        return None


@dataclass(frozen=True)
class OutcomeFigures:
    """Action outcomes of a set or the programme: each None where held back."""

    name: str
    done: int | None
    carried: int | None
    dropped: int | None
    total: int | None

    @property
    def held(self) -> bool:
        return None in (self.done, self.carried, self.dropped, self.total)


@dataclass(frozen=True)
class PulseFigures:
    """The mean safety score (1–7) of a month's, or the period's, published pulses across
    sets, and how many answers it is the mean of; both None where held back, and `answers`
    0 where no pulse was published."""

    label: str
    answers: int | None
    mean: Fraction | None

    @property
    def held(self) -> bool:
        return self.answers is None

    @property
    def rounded(self) -> float | None:
        return None if self.mean is None else round(float(self.mean), 1)


@dataclass(frozen=True)
class Evaluation:
    scope: ReportScope
    months: list[date]
    attendance: list[AttendanceFigures]
    attendance_total: AttendanceFigures
    outcomes: list[OutcomeFigures]
    outcomes_total: OutcomeFigures
    pulse: list[PulseFigures]
    pulse_total: PulseFigures
    stories: list[ConsentedStory]
    minimum: int = disclosure.K

    @property
    def held_back(self) -> int:
        """How many figures are held back, so the page can say so."""
        attendance = sum(row.held for row in [*self.attendance, self.attendance_total])
        outcomes = sum(
            [row.done, row.carried, row.dropped, row.total].count(None)
            for row in [*self.outcomes, self.outcomes_total]
        )
        return attendance + outcomes + sum(month.held for month in [*self.pulse, self.pulse_total])


# Reading the month's figures: counts and how many people are behind each.


def _people(*fields: str) -> Any:
    """How many people are behind a group of rows, each named by one of `fields` (the first
    that is set): each distinct value once, and rows naming nobody (an account erased before
    its number was kept) as one more person, never as none."""
    distinct = [Count(name, distinct=True) for name in fields]
    nobody = Q(**{f"{name}__isnull": True for name in fields})
    unnamed = Max(Case(When(nobody, then=Value(1)), default=Value(0)), output_field=IntegerField())
    total = unnamed
    for count in distinct:
        total = total + count
    return total


def _by_month(rows: QuerySet[Any, Any], field: str, scope: ReportScope) -> QuerySet[Any, Any]:
    annotated: QuerySet[Any, Any] = rows.annotate(month=TruncMonth(field, tzinfo=scope.zone))
    return annotated


def attendance_months(scope: ReportScope) -> dict[tuple[int, date], tuple[int, int, int, int]]:
    """(set id, month) → expected, attended, committed and members behind them (a person
    once per set; an erased account's rows as its own person). One query."""
    attended = Q(status__in=Attendance.ATTENDED)
    rows = (
        _by_month(counted_attendance(scope), "meeting__starts_at", scope)
        .values("meeting__learning_set", "month")
        .annotate(
            expected=Count("pk"),
            attended=Count("pk", filter=attended),
            committed=Count("pk", filter=attended | with_notice_q(scope.zone)),
            people=_people("user", "erased_account"),
        )
        .order_by()
    )
    return {
        (row["meeting__learning_set"], _month(row["month"])): (
            row["expected"],
            row["attended"],
            row["committed"],
            row["people"],
        )
        for row in rows
    }


def _report_backs(scope: ReportScope) -> QuerySet[Any, Any]:
    rows = ReportBack.objects.filter(
        meeting__learning_set__programme=scope.programme,
        meeting__status=Meeting.Status.HELD,
        outcome__in=OUTCOME_NAMES,
    )
    if scope.starts is not None:
        rows = rows.filter(meeting__starts_at__gte=scope.starts)
    if scope.ends is not None:
        rows = rows.filter(meeting__starts_at__lt=scope.ends)
    return _by_month(rows, "meeting__starts_at", scope)


@dataclass(frozen=True)
class OutcomeMonths:
    """Report-backs per month: counts and owners behind them per (set, outcome), and owners
    per set, per outcome and in all (an owner once, however many outcomes they gave)."""

    counts: dict[tuple[int, str, date], int]
    cells: dict[tuple[int, str, date], int]
    sets: dict[tuple[int, date], int]
    columns: dict[tuple[str, date], int]
    overall: dict[date, int]


def outcome_months(scope: ReportScope) -> OutcomeMonths:
    """Four queries: the owners of a set's outcomes are counted once each, not once per
    outcome, so each total's people are counted on their own."""
    owners = _people("action__owner")
    base = _report_backs(scope)
    by_cell = (
        base.values("meeting__learning_set", "outcome", "month")
        .annotate(n=Count("pk"), people=owners)
        .order_by()
    )
    counts: dict[tuple[int, str, date], int] = {}
    cells: dict[tuple[int, str, date], int] = {}
    for row in by_cell:
        key = (row["meeting__learning_set"], row["outcome"], _month(row["month"]))
        counts[key], cells[key] = row["n"], row["people"]
    by_set = base.values("meeting__learning_set", "month").annotate(people=owners).order_by()
    by_outcome = base.values("outcome", "month").annotate(people=owners).order_by()
    by_month = base.values("month").annotate(people=owners).order_by()
    return OutcomeMonths(
        counts=counts,
        cells=cells,
        sets={(r["meeting__learning_set"], _month(r["month"])): r["people"] for r in by_set},
        columns={(r["outcome"], _month(r["month"])): r["people"] for r in by_outcome},
        overall={_month(r["month"]): r["people"] for r in by_month},
    )


def _held_meetings(scope: ReportScope, *, published: bool) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(
        learning_set__programme=scope.programme,
        status=Meeting.Status.HELD,
        pulse_published_at__isnull=not published,
    )
    if scope.starts is not None:
        meetings = meetings.filter(starts_at__gte=scope.starts)
    if scope.ends is not None:
        meetings = meetings.filter(starts_at__lt=scope.ends)
    return meetings


def _published_meetings(scope: ReportScope) -> QuerySet[Meeting]:
    return _held_meetings(scope, published=True)


def pulse_settles_at(month: date, scope: ReportScope) -> datetime:
    """When no pulse of the month can still be published: a day after the month ends (a
    meeting may run past midnight), and then the longest pulse window a set may have. A
    meeting of the month recorded later than that has its window closed already."""
    end = datetime.combine(next_month(month), time(), tzinfo=scope.zone)
    return end + timedelta(days=1 + PULSE_WINDOW_MAX_DAYS)


def publish_closed_pulses(scope: ReportScope, now: datetime) -> set[date]:
    """Publish the scope's pulses that have closed with enough answers, as the set's own pages
    would when next looked at (sessions.pulse.results), so that what the report counts never
    depends on whether anyone has looked. Returns the months with a pulse still open. One
    query, and four more the one time some are due."""
    unpublished = list(
        _held_meetings(scope, published=False)
        .select_related("learning_set")
        .only("starts_at", "ends_at", "pulse_published_at", "learning_set__pulse_window_days")
        .annotate(answers=Count("pulse_receipts"))
        .order_by()
    )
    minimum = pulse.minimum_responses(scope.programme)
    closed = [m for m in unpublished if pulse.is_closed(m, now)]
    if any(m.answers >= minimum for m in closed):
        pulse.results(closed, scope.programme, now)
    return {
        first_of_month(timezone.localtime(m.starts_at, scope.zone).date())
        for m in unpublished
        if not pulse.is_closed(m, now)
    }


@dataclass(frozen=True)
class Statement:
    """What one meeting's answers to one statement add to its month: how many answered, the
    sum of their answers, and how the programme scores the statement."""

    responses: int
    total: int
    reverse: bool
    challenge: bool

    @property
    def score_sum(self) -> int:
        """The sum of the answers' scores, reverse-scored where the statement is."""
        return 8 * self.responses - self.total if self.reverse else self.total


def safety_sum(statements: Iterable[Statement]) -> tuple[int, Fraction]:
    """One meeting's answers and the sum over them of each answer's safety score: the
    meeting's overall safety mean (sessions.pulse: the mean of its safety statements' scores,
    or of every statement's when it asked none) times its answers, so that a month's mean is
    the sum of its meetings' ÷ the sum of their answers."""
    asked = list(statements)
    safety = [s for s in asked if not s.challenge] or asked
    if not safety:
        return 0, Fraction(0)
    responses = safety[0].responses  # every statement a meeting asked has every answer
    return responses, Fraction(sum(s.score_sum for s in safety), len(safety))


def _statement(programme: int, field: str) -> Subquery:
    """A tally's statement's `field`, as the programme defines it."""
    rows = PulseItem.objects.filter(programme=programme, number=OuterRef("item"))
    return Subquery(rows.values(field)[:1])


def pulse_months(scope: ReportScope) -> dict[date, tuple[int, Fraction, int, int]]:
    """Month → answers, the sum of their safety scores, respondents and sets, from the tallies
    of published pulses (sums only, never a person's answers) and their receipts. Two
    queries."""
    meetings = _published_meetings(scope)
    programme = scope.programme.pk
    tallies = (
        _by_month(PulseTally.objects.filter(meeting__in=meetings), "meeting__starts_at", scope)
        .values("month", "meeting", "item")
        .annotate(
            responses=Sum("count"),
            total=Sum(F("point") * F("count")),
            reverse=_statement(programme, "reverse"),
            dimension=_statement(programme, "dimension"),
        )
        .order_by()
    )
    asked: dict[tuple[date, int], list[Statement]] = {}
    for row in tallies:
        asked.setdefault((_month(row["month"]), row["meeting"]), []).append(
            Statement(
                responses=row["responses"] or 0,
                total=row["total"] or 0,
                reverse=bool(row["reverse"]),
                challenge=row["dimension"] == PulseItem.Dimension.CHALLENGE,
            )
        )
    sums: dict[date, tuple[int, Fraction]] = {}
    for (month, _), statements in asked.items():
        responses, points = safety_sum(statements)
        before = sums.get(month, (0, Fraction(0)))
        sums[month] = (before[0] + responses, before[1] + points)
    receipts = (
        _by_month(PulseReceipt.objects.filter(meeting__in=meetings), "meeting__starts_at", scope)
        .values("month")
        .annotate(
            people=Count("user", distinct=True), sets=Count("meeting__learning_set", distinct=True)
        )
        .order_by()
    )
    behind = {_month(r["month"]): (r["people"], r["sets"]) for r in receipts}
    return {
        month: (n, points, *behind.get(month, (0, 0))) for month, (n, points) in sums.items() if n
    }


# Holding back


def _attendance_tables(
    months: Iterable[date], sets: list[int], figures: Mapping[tuple[int, date], tuple[int, ...]]
) -> dict[date, disclosure.Suppression]:
    tables = {}
    for month in months:
        people: dict[Hashable, int] = {
            s: figures[s, month][3] for s in sets if (s, month) in figures
        }
        total = sum(people.values())
        tables[month] = disclosure.suppress(
            disclosure.Table(
                cells={(s, ATTENDANCE): p for s, p in people.items()},
                rows=people,
                columns={ATTENDANCE: total},
                overall=total,
            )
        )
    return tables


def _outcome_tables(
    months: Iterable[date], data: OutcomeMonths
) -> dict[date, disclosure.Suppression]:
    tables = {}
    for month in months:
        tables[month] = disclosure.suppress(
            disclosure.Table(
                cells={(s, o): p for (s, o, m), p in data.cells.items() if m == month},
                rows={s: p for (s, m), p in data.sets.items() if m == month},
                columns={o: p for (o, m), p in data.columns.items() if m == month},
                overall=data.overall.get(month, 0),
            )
        )
    return tables


def _pulse_published(people: int, sets: int) -> bool:
    return people >= disclosure.K and sets >= MIN_PULSE_SETS


def evaluation(scope: ReportScope) -> Evaluation:
    """The report for a programme over the scope's whole months. Ten queries (four more the
    one time some pulses are due to be published)."""
    sets = list(report_sets(scope).order_by("name").values_list("pk", "name"))
    set_ids = [pk for pk, _ in sets]
    attendance = attendance_months(scope)
    outcomes = outcome_months(scope)
    now = timezone.now()
    open_months = publish_closed_pulses(scope, now)
    pulses = pulse_months(scope)
    months = sorted({m for _, m in attendance} | {m for _, _, m in outcomes.counts} | set(pulses))
    attendance_held = _attendance_tables(sorted({m for _, m in attendance}), set_ids, attendance)
    outcome_held = _outcome_tables(sorted(set(outcomes.overall)), outcomes)

    # Each set's attendance over the period, and the programme's (None).
    attendance_sums: dict[int | None, tuple[int, int, int]] = {}
    for (s, _), values in attendance.items():
        for row in (s, None):
            before = attendance_sums.get(row, (0, 0, 0))
            attendance_sums[row] = (
                before[0] + values[0],
                before[1] + values[1],
                before[2] + values[2],
            )

    def attendance_figures(name: str, key: disclosure.Key, set_id: int | None) -> AttendanceFigures:
        if not disclosure.range_published(attendance_held.values(), key):
            return AttendanceFigures(name, None, None, None)
        expected, attended, committed = attendance_sums.get(set_id, (0, 0, 0))
        return AttendanceFigures(name, expected, attended, committed)

    # Each set's count of each outcome over the period, and the programme's.
    outcome_sums: dict[tuple[int | None, str], int] = {}
    for (s, o, _), n in outcomes.counts.items():
        for row in (s, None):
            outcome_sums[row, o] = outcome_sums.get((row, o), 0) + n

    def outcome_figure(key: disclosure.Key, count: Callable[[], int]) -> int | None:
        if not disclosure.range_published(outcome_held.values(), key):
            return None
        return count()

    def outcome_figures(name: str, set_id: int | None) -> OutcomeFigures:
        def counted(*wanted: str) -> Callable[[], int]:
            return lambda: sum(outcome_sums.get((set_id, o), 0) for o in wanted)

        def key(outcome: str) -> disclosure.Key:
            if set_id is None:
                return disclosure.column_total(outcome)
            return disclosure.cell(set_id, outcome)

        done, carried, dropped = (key(outcome) for outcome, _ in OUTCOMES)
        total = disclosure.row_total(set_id) if set_id is not None else disclosure.ALL
        return OutcomeFigures(
            name,
            done=outcome_figure(done, counted(ReportBack.Outcome.DONE)),
            carried=outcome_figure(carried, counted(ReportBack.Outcome.CARRIED)),
            dropped=outcome_figure(dropped, counted(ReportBack.Outcome.DROPPED)),
            total=outcome_figure(total, counted(*OUTCOME_NAMES)),
        )

    pulse_rows = []
    for month in sorted(pulses):
        answers, points, people, set_count = pulses[month]
        shown = (
            _pulse_published(people, set_count)
            and month not in open_months
            and pulse_settles_at(month, scope) <= now
        )
        pulse_rows.append(
            PulseFigures(
                date_format(month, "F Y"),
                answers if shown else None,
                points / answers if shown else None,
            )
        )
    if all(row.answers is not None for row in pulse_rows):
        answers = sum(values[0] for values in pulses.values())
        points = sum((values[1] for values in pulses.values()), Fraction(0))
        mean = points / answers if answers else None
        pulse_total = PulseFigures(gettext("The period"), answers, mean)
    else:
        pulse_total = PulseFigures(gettext("The period"), None, None)

    return Evaluation(
        scope=scope,
        months=months,
        attendance=[
            attendance_figures(name, disclosure.cell(pk, ATTENDANCE), pk) for pk, name in sets
        ],
        attendance_total=attendance_figures(gettext("All sets"), disclosure.ALL, None),
        outcomes=[outcome_figures(name, pk) for pk, name in sets],
        outcomes_total=outcome_figures(gettext("All sets"), None),
        pulse=pulse_rows,
        pulse_total=pulse_total,
        stories=consented_stories(scope.programme),
    )
