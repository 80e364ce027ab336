"""The anonymous pulse: the seven statements, who may answer when, and the results.

The statements are the seven items of Amy Edmondson's team psychological-safety scale
(Edmondson 1999, Administrative Science Quarterly 44(2)), with "team" read as "set". Each is
answered on a 7-point scale from strongly disagree to strongly agree; items 1, 3 and 5 are
worded negatively and reverse-scored (8 − answer), so a higher score always means safer.

Results are only ever sums over a meeting's answers (sessions.models.PulseTally). They are
published the first time they are worked out after the pulse has closed with at least
`minimum_responses` answers (`results`), and published results are final: the meeting keeps
when that happened, no answer is taken after it whatever the set's pulse window becomes,
and the window cannot be lengthened to reopen it (`reopened_by`). So no two looks at a
meeting's results ever differ. Were results shown while a pulse could still take answers,
the change between two looks would give away the answers of whoever answered in between:
a facilitator marking one more member present, and a programme admin reopening the window,
could read that member's answers that way.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from alsspace.models import User
from sessions.models import (
    Attendance,
    Meeting,
    PulseReceipt,
    PulseTally,
)
from sets.models import LearningSet, Programme

# A meeting's answers summed from its tallies: "responses", and "item_<n>" for each statement.
Sums = dict[str, int]

# Never fewer, whatever a programme sets: below three, answers could be told apart.
MIN_RESPONSES = 3


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    reverse: bool = False

    @property
    def field(self) -> str:
        return f"item_{self.number}"


ITEMS = [
    Item(1, "If you make a mistake in this set, it is often held against you.", reverse=True),
    Item(2, "Members of this set are able to bring up problems and tough issues."),
    Item(3, "People in this set sometimes reject others for being different.", reverse=True),
    Item(4, "It is safe to take a risk in this set."),
    Item(5, "It is difficult to ask other members of this set for help.", reverse=True),
    Item(6, "No one in this set would deliberately act in a way that undermines my efforts."),
    Item(
        7, "Working with members of this set, my unique skills and talents are valued and utilised."
    ),
]

SCALE = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Somewhat disagree"),
    (4, "Neither agree nor disagree"),
    (5, "Somewhat agree"),
    (6, "Agree"),
    (7, "Strongly agree"),
]


def tallies(meeting: Meeting, answer_sets: Iterable[Mapping[str, int]]) -> list[PulseTally]:
    """A meeting's 49 tally rows (each statement at each point of the scale) counting the
    given answers, each a mapping of item field to 1–7."""
    counts = {(item.number, point): 0 for item in ITEMS for point, _ in SCALE}
    for answers in answer_sets:
        for item in ITEMS:
            counts[item.number, answers[item.field]] += 1
    return [
        PulseTally(meeting=meeting, item=item, point=point, count=count)
        for (item, point), count in counts.items()
    ]


def minimum_responses(programme: Programme) -> int:
    return max(MIN_RESPONSES, programme.pulse_threshold)


def closes_at(meeting: Meeting) -> datetime:
    """The end of the pulse window: the set's window in days after the meeting ends."""
    return meeting.ends_at + timedelta(days=meeting.learning_set.pulse_window_days)


def is_closed(meeting: Meeting, now: datetime | None = None) -> bool:
    """Closed once its window has passed, and for good once its results are published."""
    published = meeting.pulse_published_at is not None
    return published or closes_at(meeting) <= (now or timezone.now())


# Answering


class State(Enum):
    """Where a person stands with one meeting's pulse."""

    NOT_HELD = "not_held"
    NOT_PRESENT = "not_present"
    CLOSED = "closed"
    ANSWERED = "answered"
    OPEN = "open"


def state(meeting: Meeting, user: User, now: datetime | None = None) -> State:
    """Whether this member may answer now. The permission (meetings.answer_pulse_meeting)
    has already said they are a member of the set under its contract."""
    if meeting.status != Meeting.Status.HELD:
        return State.NOT_HELD
    if PulseReceipt.objects.filter(meeting=meeting, user=user).exists():
        return State.ANSWERED
    present = Attendance.objects.filter(
        meeting=meeting, user=user, status__in=Attendance.ATTENDED
    ).exists()
    if not present:
        return State.NOT_PRESENT
    if is_closed(meeting, now):
        return State.CLOSED
    return State.OPEN


# Results


@dataclass(frozen=True)
class ItemResult:
    item: Item
    score: Fraction  # the mean score, reverse-scored where the item is

    @property
    def rounded(self) -> float:
        return round(float(self.score), 1)


@dataclass(frozen=True)
class Result:
    """A meeting's pulse, as far as anyone may see it."""

    meeting: Meeting
    responses: int
    minimum: int
    closes_at: datetime
    closed: bool
    items: list[ItemResult]  # ItemResult for each statement; empty unless `shown` (published)
    overall: Fraction | None  # the mean of every item score; None unless `shown`

    @property
    def shown(self) -> bool:
        return self.overall is not None

    @property
    def overall_rounded(self) -> float | None:
        return None if self.overall is None else round(float(self.overall), 1)

    @property
    def enough(self) -> bool:
        return self.responses >= self.minimum


def _sums(meeting_ids: Sequence[int]) -> dict[int, Sums]:
    """Per meeting: how many responses, and the sum of each item's answers, from its tallies.
    One query."""
    rows = (
        PulseTally.objects.filter(meeting__in=meeting_ids)
        .values("meeting", "item")
        .annotate(responses=Sum("count"), total=Sum(F("point") * F("count")))
        .order_by()
    )
    sums: dict[int, Sums] = {}
    for row in rows:
        meeting = sums.setdefault(row["meeting"], {"responses": 0})
        meeting[f"item_{row['item']}"] = row["total"]
        if row["item"] == ITEMS[0].number:
            meeting["responses"] = row["responses"]
    return {pk: meeting for pk, meeting in sums.items() if meeting["responses"]}


def _result(meeting: Meeting, sums: Sums | None, minimum: int, now: datetime) -> Result:
    responses = sums["responses"] if sums else 0
    items: list[ItemResult] = []
    overall: Fraction | None = None
    if sums is not None and meeting.pulse_published_at is not None and responses:
        for item in ITEMS:
            mean = Fraction(sums[item.field], responses)
            items.append(ItemResult(item, 8 - mean if item.reverse else mean))
        overall = sum((result.score for result in items), Fraction(0)) / len(items)
    closed = is_closed(meeting, now)
    return Result(meeting, responses, minimum, closes_at(meeting), closed, items, overall)


def _due(meeting: Meeting, sums: Sums | None, minimum: int, now: datetime) -> bool:
    responses = sums["responses"] if sums else 0
    return meeting.pulse_published_at is None and is_closed(meeting, now) and responses >= minimum


def _publish(due: Sequence[Meeting], minimum: int, now: datetime) -> dict[int, Sums]:
    """Publish the pulses of `due` that have closed with at least `minimum` answers, setting
    `pulse_published_at` on the instances, and return every one's sums as they now stand.

    The meetings' rows are locked before their tallies are read again, as an answer locks
    its meeting before it is counted: either an answer came first and is in these sums (or
    its window has reopened, and the pulse is not due after all), or publication came first
    and the answer is refused."""
    ids = [meeting.pk for meeting in due]
    with transaction.atomic():
        locked = {
            meeting.pk: meeting
            for meeting in Meeting.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("learning_set")
            .only("ends_at", "pulse_published_at", "learning_set__pulse_window_days")
            .order_by("pk")
        }
        sums = _sums(ids)
        published = [
            pk for pk, meeting in locked.items() if _due(meeting, sums.get(pk), minimum, now)
        ]
        if published:
            Meeting.objects.filter(pk__in=published).update(pulse_published_at=now)
    for meeting in due:
        fresh = locked.get(meeting.pk)
        if fresh is not None:
            meeting.pulse_published_at = now if fresh.pk in published else fresh.pulse_published_at
    return sums


def results(
    meetings: Sequence[Meeting], programme: Programme, now: datetime | None = None
) -> dict[int, Result]:
    """Each meeting's Result by meeting id, for meetings of one programme. One query, and
    three more the one time some of them are due to be published."""
    now = now or timezone.now()
    minimum = minimum_responses(programme)
    sums = _sums([meeting.pk for meeting in meetings])
    due = [m for m in meetings if _due(m, sums.get(m.pk), minimum, now)]
    if due:
        sums.update(_publish(due, minimum, now))
    return {m.pk: _result(m, sums.get(m.pk), minimum, now) for m in meetings}


def result(meeting: Meeting, now: datetime | None = None) -> Result:
    return results([meeting], meeting.learning_set.programme, now)[meeting.pk]


def publish_due(meetings: QuerySet[Meeting], now: datetime | None = None) -> list[Meeting]:
    """Publish the pulses among `meetings` (a queryset of one programme's) that have closed
    with enough answers, judged by the sets and programme as stored, not as a form is about
    to change them: what is due is due now. Returns the held meetings, earliest first."""
    held = list(
        meetings.filter(status=Meeting.Status.HELD)
        .select_related("learning_set__programme")
        .order_by("starts_at", "pk")
    )
    if held:
        results(held, held[0].learning_set.programme, now)
    return held


def reopened_by(
    learning_set: LearningSet, window_days: int, now: datetime | None = None
) -> list[Meeting]:
    """The set's meetings whose published results a pulse window of `window_days` would
    open to answers again, earliest first; pulses due to be published are published first."""
    now = now or timezone.now()
    return [
        meeting
        for meeting in publish_due(Meeting.objects.filter(learning_set=learning_set.pk), now)
        if meeting.pulse_published_at is not None
        and meeting.ends_at + timedelta(days=window_days) > now
    ]


def reopen_refusal(reopened: Sequence[Meeting], now: datetime) -> str:
    """Why a pulse window that would reopen these published pulses is refused."""
    first = reopened[0]
    zone = ZoneInfo(first.learning_set.programme.time_zone)
    start = first.starts_at.astimezone(zone)
    day = f"{start.day} {start:%B %Y}"
    longest = min((now - meeting.ends_at).days for meeting in reopened)
    others = len(reopened) - 1
    also = f" (and {others} later meeting{'s' if others > 1 else ''})" if others else ""
    return (
        f"The pulse results of the meeting on {day}{also} have been shown, and shown results "
        "never change, so that pulse cannot take answers again. "
        + (
            f"Choose a window of at most {longest} day{'s' if longest != 1 else ''}."
            if longest >= 1
            else "Keep the window as it is."
        )
    )


# Checks on the sets app's models, registered in sets/validators.py by sessions/apps.py.


def publish_before_threshold_change(programme: Programme) -> None:
    """Pulses that closed with enough answers under the pulse threshold as it stands are
    published under it before it changes, so that a new one cannot hold them back to be
    reopened."""
    if programme.pk is None:
        return
    stored = Programme.objects.filter(pk=programme.pk).values_list("pulse_threshold", flat=True)
    if programme.pulse_threshold != stored.first():
        publish_due(Meeting.objects.filter(learning_set__programme=programme.pk))


def refuse_reopening_window(learning_set: LearningSet) -> None:
    """A set's pulse window may not be lengthened so far that it reopens published results."""
    window_days = learning_set.pulse_window_days
    if learning_set.pk is None or window_days is None:
        return
    try:
        learning_set._meta.get_field("pulse_window_days").run_validators(window_days)
    except ValidationError:
        return  # the field's own message says what is wrong with it
    now = timezone.now()
    reopened = reopened_by(learning_set, window_days, now)
    if reopened:
        raise ValidationError({"pulse_window_days": reopen_refusal(reopened, now)})
