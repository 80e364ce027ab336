"""The anonymous pulse: its statements, who may answer when, and the results.

Each programme chooses its statements (sessions.models.PulseItem). By default they are the
seven items of Amy Edmondson's team psychological-safety scale (Edmondson 1999,
Administrative Science Quarterly 44(2)), with "team" read as "set"; a programme may also ask
how far the set stretched its members (the challenge statements), so that a dip in comfort
can be read beside it (docs/signals.md#pulse-dip). Each statement is answered on a 7-point
scale from strongly disagree to strongly agree; those worded the other way round are
reverse-scored (8 − answer), so a higher score always means safer, or more stretched.

A meeting is asked the statements its programme has when it is first answered, and its
tallies keep them: a statement that has been answered is never changed, only retired, so a
meeting's results always read the words it was asked with.

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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from alsspace.models import User
from sessions.models import (
    Attendance,
    Meeting,
    PulseItem,
    PulseReceipt,
    PulseTally,
)
from sets.models import LearningSet, Programme

# Never fewer, whatever a programme sets: below three, answers could be told apart.
MIN_RESPONSES = 3

# Up to this many answers a mean is shown with how uncertain it is (`margin`).
FEW_RESPONSES = 6

SAFETY, CHALLENGE = PulseItem.Dimension.SAFETY.value, PulseItem.Dimension.CHALLENGE.value


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    reverse: bool = False
    dimension: str = SAFETY

    @property
    def field(self) -> str:
        return f"item_{self.number}"

    @property
    def challenge(self) -> bool:
        return self.dimension == CHALLENGE


# Edmondson's seven: every programme's statements until its admins change them, stored in the
# language of whoever creates the programme.
ITEMS = [
    Item(
        1,
        gettext_noop("If you make a mistake in this set, it is often held against you."),
        reverse=True,
    ),
    Item(2, gettext_noop("Members of this set are able to bring up problems and tough issues.")),
    Item(
        3,
        gettext_noop("People in this set sometimes reject others for being different."),
        reverse=True,
    ),
    Item(4, gettext_noop("It is safe to take a risk in this set.")),
    Item(
        5, gettext_noop("It is difficult to ask other members of this set for help."), reverse=True
    ),
    Item(
        6,
        gettext_noop(
            "No one in this set would deliberately act in a way that undermines my efforts."
        ),
    ),
    Item(
        7,
        gettext_noop(
            "Working with members of this set, my unique skills and talents are valued and "
            "utilised."
        ),
    ),
]

# The challenge statements a programme asks when it switches challenge on and names none.
CHALLENGE_ITEMS = [
    Item(8, gettext_noop("The set stretched my thinking this time."), dimension=CHALLENGE),
    Item(
        9,
        gettext_noop("I was challenged to act on something I had been avoiding."),
        dimension=CHALLENGE,
    ),
]

SCALE = [
    (1, gettext_lazy("Strongly disagree")),
    (2, gettext_lazy("Disagree")),
    (3, gettext_lazy("Somewhat disagree")),
    (4, gettext_lazy("Neither agree nor disagree")),
    (5, gettext_lazy("Somewhat agree")),
    (6, gettext_lazy("Agree")),
    (7, gettext_lazy("Strongly agree")),
]


def as_item(row: PulseItem) -> Item:
    return Item(row.number, row.text, row.reverse, row.dimension)


def default_items(programme: Programme) -> list[PulseItem]:
    """Edmondson's seven, as a new programme's statements."""
    return [
        PulseItem(
            programme=programme,
            number=item.number,
            position=item.number,
            text=_(item.text),
            reverse=item.reverse,
            dimension=item.dimension,
        )
        for item in ITEMS
    ]


def programme_items(programme: Programme) -> list[PulseItem]:
    """The statements the programme asks now, in order. One query."""
    return list(PulseItem.objects.filter(programme=programme.pk, retired_at__isnull=True))


def asks_challenge(items: Iterable[PulseItem | Item]) -> bool:
    return any(item.dimension == CHALLENGE for item in items)


def asked(meeting: Meeting) -> list[Item]:
    """The statements the meeting's pulse asks: those its tallies count once it has been
    answered, else the ones its programme asks now. Two queries."""
    programme_id = meeting.learning_set.programme_id
    numbers = set(
        PulseTally.objects.filter(meeting=meeting.pk).values_list("item", flat=True).distinct()
    )
    rows = PulseItem.objects.filter(programme=programme_id)
    rows = rows.filter(number__in=numbers) if numbers else rows.filter(retired_at__isnull=True)
    items = [as_item(row) for row in rows]
    return items or ([] if numbers else list(ITEMS))


def tallies(
    meeting: Meeting | None,
    answer_sets: Iterable[Mapping[str, int]],
    items: Sequence[Item] = ITEMS,
) -> list[PulseTally]:
    """A meeting's tally rows (each statement at each point of the scale) counting the given
    answers, each a mapping of item field to 1–7."""
    counts = {(item.number, point): 0 for item in items for point, _ in SCALE}
    for answers in answer_sets:
        for item in items:
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


def margin(mean: Fraction, responses: int) -> float | None:
    """How uncertain a mean of few answers is: the largest standard error a mean of
    `responses` answers on the 1–7 scale could have, given that mean (the Bhatia–Davis bound
    on the variance, (mean − 1)(7 − mean)). It is worked out from the mean and the number of
    answers alone, both already shown, so it tells nothing about how the answers were spread
    (docs/product.md#small-numbers). None above FEW_RESPONSES answers."""
    if not MIN_RESPONSES <= responses <= FEW_RESPONSES:
        return None
    return round(math.sqrt(float((mean - 1) * (7 - mean)) / responses), 1)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    score: Fraction  # the mean score, reverse-scored where the item is
    responses: int

    @property
    def rounded(self) -> float:
        return round(float(self.score), 1)

    @property
    def margin(self) -> float | None:
        return margin(self.score, self.responses)


@dataclass(frozen=True)
class Result:
    """A meeting's pulse, as far as anyone may see it."""

    meeting: Meeting
    responses: int
    minimum: int
    closes_at: datetime
    closed: bool
    items: list[ItemResult]  # ItemResult for each statement; empty unless `shown` (published)
    overall: Fraction | None  # the mean of the safety statements' scores; None unless `shown`
    # The mean of the challenge statements' scores: None unless shown and they were asked.
    challenge: Fraction | None = None

    @property
    def shown(self) -> bool:
        return self.overall is not None

    @property
    def overall_rounded(self) -> float | None:
        return None if self.overall is None else round(float(self.overall), 1)

    @property
    def overall_margin(self) -> float | None:
        return None if self.overall is None else margin(self.overall, self.responses)

    @property
    def challenge_rounded(self) -> float | None:
        return None if self.challenge is None else round(float(self.challenge), 1)

    @property
    def challenge_margin(self) -> float | None:
        return None if self.challenge is None else margin(self.challenge, self.responses)

    def stretched(self, mark: Decimal) -> bool:
        """Whether the challenge score reached the programme's stretch mark, the score that
        reads a dip in safety as stretch (docs/signals.md#pulse-dip)."""
        return self.challenge is not None and self.challenge >= Fraction(mark)

    @property
    def safety_items(self) -> list[ItemResult]:
        return [row for row in self.items if not row.item.challenge]

    @property
    def challenge_items(self) -> list[ItemResult]:
        return [row for row in self.items if row.item.challenge]

    @property
    def enough(self) -> bool:
        return self.responses >= self.minimum


@dataclass(frozen=True)
class Counted:
    """A meeting's answers summed from its tallies: how many, and each statement asked with
    the sum of its answers, in the programme's order."""

    responses: int
    sums: list[tuple[Item, int]]


def _item_field(programme_id: int, name: str) -> Subquery:
    statement = PulseItem.objects.filter(programme=programme_id, number=OuterRef("item"))
    return Subquery(statement.values(name)[:1])


def _sums(meeting_ids: Sequence[int], programme_id: int) -> dict[int, Counted]:
    """Per meeting: how many responses, and the sum of each statement's answers, from its
    tallies, with the statements' words. One query."""
    rows = (
        PulseTally.objects.filter(meeting__in=meeting_ids)
        .values("meeting", "item")
        .annotate(
            responses=Sum("count"),
            total=Sum(F("point") * F("count")),
            text=_item_field(programme_id, "text"),
            reverse=_item_field(programme_id, "reverse"),
            dimension=_item_field(programme_id, "dimension"),
            position=_item_field(programme_id, "position"),
        )
        .order_by()
    )
    found: dict[int, list[tuple[int, Item, int, int]]] = {}
    for row in rows:
        item = Item(row["item"], row["text"] or "", bool(row["reverse"]), row["dimension"])
        order = row["position"] if row["position"] is not None else row["item"]
        found.setdefault(row["meeting"], []).append((order, item, row["total"], row["responses"]))
    counted: dict[int, Counted] = {}
    for pk, sums in found.items():
        sums.sort(key=lambda entry: (entry[0], entry[1].number))
        # Every statement a meeting was asked has the same number of answers.
        responses = sums[0][3]
        if responses:
            counted[pk] = Counted(responses, [(item, total) for _, item, total, _ in sums])
    return counted


def _result(meeting: Meeting, counted: Counted | None, minimum: int, now: datetime) -> Result:
    responses = counted.responses if counted else 0
    items: list[ItemResult] = []
    overall: Fraction | None = None
    challenge: Fraction | None = None
    if counted is not None and meeting.pulse_published_at is not None and responses:
        for item, total in counted.sums:
            mean = Fraction(total, responses)
            items.append(ItemResult(item, 8 - mean if item.reverse else mean, responses))
        safety = [row.score for row in items if not row.item.challenge] or [
            row.score for row in items
        ]
        overall = sum(safety, Fraction(0)) / len(safety)
        stretch = [row.score for row in items if row.item.challenge]
        challenge = sum(stretch, Fraction(0)) / len(stretch) if stretch else None
    closed = is_closed(meeting, now)
    return Result(
        meeting, responses, minimum, closes_at(meeting), closed, items, overall, challenge
    )


def _due(meeting: Meeting, counted: Counted | None, minimum: int, now: datetime) -> bool:
    responses = counted.responses if counted else 0
    return meeting.pulse_published_at is None and is_closed(meeting, now) and responses >= minimum


def _publish(
    due: Sequence[Meeting], programme_id: int, minimum: int, now: datetime
) -> dict[int, Counted]:
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
        sums = _sums(ids, programme_id)
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
    sums = _sums([meeting.pk for meeting in meetings], programme.pk)
    due = [m for m in meetings if _due(m, sums.get(m.pk), minimum, now)]
    if due:
        sums.update(_publish(due, programme.pk, minimum, now))
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
    day = date_format(start, "j F Y")
    longest = min((now - meeting.ends_at).days for meeting in reopened)
    others = len(reopened) - 1
    if others:
        shown = ngettext(
            "The pulse results of the meeting on %(day)s (and %(others)d later meeting) have "
            "been shown, and shown results never change, so that pulse cannot take answers "
            "again.",
            "The pulse results of the meeting on %(day)s (and %(others)d later meetings) have "
            "been shown, and shown results never change, so that pulse cannot take answers "
            "again.",
            others,
        ) % {"day": day, "others": others}
    else:
        shown = _(
            "The pulse results of the meeting on %(day)s have been shown, and shown results "
            "never change, so that pulse cannot take answers again."
        ) % {"day": day}
    if longest >= 1:
        choose = ngettext(
            "Choose a window of at most %(n)d day.",
            "Choose a window of at most %(n)d days.",
            longest,
        ) % {"n": longest}
    else:
        choose = _("Keep the window as it is.")
    return f"{shown} {choose}"


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
