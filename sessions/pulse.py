"""The anonymous pulse: the seven statements, who may answer when, and the results.

The statements are the seven items of Amy Edmondson's team psychological-safety scale
(Edmondson 1999, Administrative Science Quarterly 44(2)), with "team" read as "set". Each is
answered on a 7-point scale from strongly disagree to strongly agree; items 1, 3 and 5 are
worded negatively and reverse-scored (8 − answer), so a higher score always means safer.

Results are only ever sums over a meeting's responses. They are shown once the meeting's
pulse has closed and at least `minimum_responses` members have answered: while it is open,
a change in the results between two looks would reveal the answers of whoever answered in
between.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from fractions import Fraction

from django.db.models import F, Sum
from django.utils import timezone

from sessions.models import (
    Attendance,
    Meeting,
    PulseReceipt,
    PulseTally,
)

# Never fewer, whatever a programme sets: below three, answers could be told apart.
MIN_RESPONSES = 3


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    reverse: bool = False

    @property
    def field(self):
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


def tallies(meeting, answer_sets):
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


def minimum_responses(programme):
    return max(MIN_RESPONSES, programme.pulse_threshold)


def closes_at(meeting):
    """The end of the pulse window: the set's window in days after the meeting ends."""
    return meeting.ends_at + timedelta(days=meeting.learning_set.pulse_window_days)


def is_closed(meeting, now=None):
    return closes_at(meeting) <= (now or timezone.now())


# Answering


class State(Enum):
    """Where a person stands with one meeting's pulse."""

    NOT_HELD = "not_held"
    NOT_PRESENT = "not_present"
    CLOSED = "closed"
    ANSWERED = "answered"
    OPEN = "open"


def state(meeting, user, now=None):
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
    def rounded(self):
        return round(float(self.score), 1)


@dataclass(frozen=True)
class Result:
    """A meeting's pulse, as far as anyone may see it."""

    meeting: Meeting
    responses: int
    minimum: int
    closes_at: object
    closed: bool
    items: list  # ItemResult for each statement; empty unless `shown`
    overall: Fraction | None  # the mean of every item score; None unless `shown`

    @property
    def shown(self):
        return self.overall is not None

    @property
    def overall_rounded(self):
        return None if self.overall is None else round(float(self.overall), 1)

    @property
    def enough(self):
        return self.responses >= self.minimum


def _sums(meeting_ids):
    """Per meeting: how many responses, and the sum of each item's answers, from its tallies.
    One query."""
    rows = (
        PulseTally.objects.filter(meeting__in=meeting_ids)
        .values("meeting", "item")
        .annotate(responses=Sum("count"), total=Sum(F("point") * F("count")))
        .order_by()
    )
    sums = {}
    for row in rows:
        meeting = sums.setdefault(row["meeting"], {"responses": 0})
        meeting[f"item_{row['item']}"] = row["total"]
        if row["item"] == ITEMS[0].number:
            meeting["responses"] = row["responses"]
    return {pk: meeting for pk, meeting in sums.items() if meeting["responses"]}


def _result(meeting, sums, minimum, now):
    responses = sums["responses"] if sums else 0
    closed = is_closed(meeting, now)
    items, overall = [], None
    if closed and responses >= minimum:
        for item in ITEMS:
            mean = Fraction(sums[item.field], responses)
            items.append(ItemResult(item, 8 - mean if item.reverse else mean))
        overall = sum((result.score for result in items), Fraction(0)) / len(items)
    return Result(meeting, responses, minimum, closes_at(meeting), closed, items, overall)


def results(meetings, programme, now=None):
    """Each meeting's Result by meeting id, for meetings of one programme, in one query."""
    now = now or timezone.now()
    minimum = minimum_responses(programme)
    sums = _sums([meeting.pk for meeting in meetings])
    return {m.pk: _result(m, sums.get(m.pk), minimum, now) for m in meetings}


def result(meeting, now=None):
    return results([meeting], meeting.learning_set.programme, now)[meeting.pk]
