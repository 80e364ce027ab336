"""What the facilitator dashboard is for, in each demo set: an action carried forward at two
meetings in a row, an action its owner came to the meeting without reporting on, and a pulse
trend that dips at the latest closed meeting; then detection runs, so each set opens with at
least three kinds of prompt. The demo programme asks the challenge statements too: in Set
Aurora the dip comes with high challenge, so its prompt reads as stretch; in the others with
low challenge, so it reads as danger (docs/signals.md#pulse-dip). Needs the demo meetings.
Safe to run again: a set that already has its demo actions keeps them, and a meeting that
already has pulse answers is left alone.
"""

from django.db import transaction
from django.utils import timezone

from sessions import pulse, queries
from sessions.inaction.reconcile import detect_inaction
from sessions.models import (
    Action,
    Attendance,
    Meeting,
    PulseItem,
    PulseReceipt,
    PulseTally,
    ReportBack,
)
from sets.management.commands.seed_demo import PROGRAMME_NAME, SETS
from sets.models import LearningSet

# Per set: the action carried twice, and the one not reported on.
DEMO_ACTIONS = {
    "Set Aurora": (
        "Have the conversation with my deputy about the role outgrowing them",
        "Share the winter pressures plan with the two other heads of service",
    ),
    "Set Birch": (
        "Ask the board for a decision on the shared services business case",
        "Spend a morning on the front line with the new contact centre team",
    ),
}
DEFAULT_ACTIONS = (
    "Write to the sponsor about what the project can no longer deliver",
    "Book a one-to-one with each team leader before the restructure",
)

# Each member's answer level at a meeting, by position; the dip's meeting is a point lower.
STEADY = [6, 5, 6, 5, 6, 6, 5, 6]
DIPPED = [5, 4, 5, 4, 4, 5, 4, 5]
# Small differences between statements, so the item means are not all the same.
ITEM_OFFSETS = [0, 0, -1, 0, 1, 0, 0]
# How far the set stretched each member: usually middling; at the dip, high in the sets that
# show stretch and low in the others.
CHALLENGED = [4, 5, 4, 4, 5, 4, 5, 4]
STRETCHED = [6, 6, 7, 6, 5, 6, 6, 7]
UNSTRETCHED = [3, 4, 3, 3, 4, 3, 3, 4]
STRETCH_SETS = {"Set Aurora"}


def _present(meeting):
    return list(
        Attendance.objects.filter(
            meeting=meeting, status__in=Attendance.ATTENDED, user__isnull=False
        ).values_list("user_id", flat=True)
    )


def _owner(members, meetings, exclude=()):
    """The first member (by name) present at every one of the meetings."""
    present = [set(_present(meeting)) for meeting in meetings]
    return next(
        (m for m in members if m.pk not in exclude and all(m.pk in p for p in present)), None
    )


def _carried_action(learning_set, held, members, text):
    owner = _owner(members, held[-2:])
    if owner is None:
        return None
    action = Action.objects.create(
        learning_set=learning_set,
        owner=owner,
        committed_at=held[-3],
        text=text,
        carry_count=2,
        due_meeting=queries.next_meeting_after(held[-1]),
    )
    ReportBack.objects.bulk_create(
        ReportBack(action=action, meeting=meeting, outcome=ReportBack.Outcome.CARRIED)
        for meeting in held[-2:]
    )
    return owner


def _unreported_action(learning_set, held, members, text, exclude):
    owner = _owner(members, held[-1:], exclude) or _owner(members, held[-1:])
    if owner is not None:
        Action.objects.create(
            learning_set=learning_set,
            owner=owner,
            committed_at=held[-2],
            text=text,
            due_meeting=held[-1],
        )


def _ask_challenge(programme):
    """The demo programme asks the default challenge statements, once."""
    items = PulseItem.objects.filter(programme=programme)
    if items.filter(dimension=pulse.CHALLENGE).exists():
        return
    top = max(items.values_list("number", flat=True), default=0)
    PulseItem.objects.bulk_create(
        PulseItem(
            programme=programme,
            number=top + index,
            position=top + index,
            text=item.text,
            reverse=item.reverse,
            dimension=item.dimension,
        )
        for index, item in enumerate(pulse.CHALLENGE_ITEMS, start=1)
    )


def _answer(meeting, level_by_position, challenge_by_position):
    """Each member present answers, anonymously: a receipt, and apart from it the answers,
    counted into the meeting's tallies."""
    present = _present(meeting)
    items = pulse.asked(meeting)
    safety = [item for item in items if not item.challenge]
    PulseReceipt.objects.bulk_create(PulseReceipt(meeting=meeting, user_id=pk) for pk in present)
    answer_sets = []
    for position in range(len(present)):
        level = level_by_position[position % len(level_by_position)]
        answers = {}
        for index, item in enumerate(safety):
            score = min(7, max(1, level + ITEM_OFFSETS[index % len(ITEM_OFFSETS)]))
            answers[item.field] = 8 - score if item.reverse else score
        for item in items:
            if item.challenge:
                score = challenge_by_position[position % len(challenge_by_position)]
                answers[item.field] = 8 - score if item.reverse else score
        answer_sets.append(answers)
    PulseTally.objects.bulk_create(pulse.tallies(meeting, answer_sets, items))


def _pulse_trend(held, now, stretched):
    """Answers for each held meeting whose pulse has closed and has none yet; the latest of
    them dips, with high challenge where the set is `stretched`."""
    closed = [m for m in held if pulse.is_closed(m, now)]
    at_dip = STRETCHED if stretched else UNSTRETCHED
    for meeting in closed:
        if not meeting.pulse_tallies.exists():
            latest = meeting == closed[-1]
            _answer(meeting, DIPPED if latest else STEADY, at_dip if latest else CHALLENGED)


@transaction.atomic
def seed_set_insights(learning_set, now=None):
    """The demo record for one set with at least three held meetings; False without them."""
    now = now or timezone.now()
    held = list(
        learning_set.meetings.filter(status=Meeting.Status.HELD)
        .select_related("learning_set__programme")
        .order_by("starts_at")
    )
    if len(held) < 3:
        return False
    carried_text, unreported_text = DEMO_ACTIONS.get(learning_set.name, DEFAULT_ACTIONS)
    recorded = Action.objects.filter(learning_set=learning_set).only("text")
    if not any(action.text == carried_text for action in recorded):
        members = list(queries.set_members(learning_set))
        carried_owner = _carried_action(learning_set, held, members, carried_text)
        exclude = {carried_owner.pk} if carried_owner else set()
        _unreported_action(learning_set, held, members, unreported_text, exclude)
    _ask_challenge(learning_set.programme)
    _pulse_trend(held, now, learning_set.name in STRETCH_SETS)
    detect_inaction(learning_set, now)
    return True


def seed_demo_insights(now=None):
    """Run after the demo sets have held meetings (see the module's docstring)."""
    demo_sets = LearningSet.objects.filter(
        programme__name=PROGRAMME_NAME, name__in=[plan.name for plan in SETS]
    ).order_by("name")
    return [s.name for s in demo_sets if seed_set_insights(s, now)]
