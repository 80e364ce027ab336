"""A set's record built directly in the database, for the signal, pulse and dashboard tests:
held meetings, attendance, airtime, actions, report-backs and pulse answers."""

from sessions import pulse
from sessions.models import Action, AirtimeSlot, Attendance, PulseItem, PulseTally, ReportBack
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory, days_from_now


def held_meetings(learning_set, count, *, last_days_ago=40, every_days=28):
    """`count` held meetings, `every_days` apart, the last `last_days_ago` days ago (by
    default long enough ago for its pulse to have closed)."""
    first = last_days_ago + (count - 1) * every_days
    return [
        MeetingFactory(
            learning_set=learning_set,
            starts_at=days_from_now(-(first - index * every_days)),
            status="held",
        )
        for index in range(count)
    ]


def next_meeting(learning_set, days=14):
    return MeetingFactory(learning_set=learning_set, starts_at=days_from_now(days))


def add_members(learning_set, count, contract=None):
    """More members of the set, under its contract when one is given."""
    people = []
    for _ in range(count):
        person = MembershipFactory(learning_set=learning_set).user
        if contract is not None:
            ContractAcceptanceFactory(contract=contract, user=person)
        people.append(person)
    return people


def attend(meeting, member, status="present", apologies_sent_at=None):
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        user=member,
        defaults={"status": status, "apologies_sent_at": apologies_sent_at},
    )
    return row


def attend_all(meetings, members, status="present"):
    for meeting in meetings:
        for member in members:
            attend(meeting, member, status)


def slot(meeting, presenter, minutes=30, seconds=0):
    order = meeting.airtime_slots.count()
    return AirtimeSlot.objects.create(
        meeting=meeting,
        presenter=presenter,
        order=order,
        topic=f"{presenter.name}'s problem",
        planned_minutes=minutes,
        actual_seconds=seconds,
    )


def action(meeting, owner, text="Talk to the finance director", due_meeting=None, **fields):
    return Action.objects.create(
        learning_set=meeting.learning_set,
        owner=owner,
        committed_at=meeting,
        text=text,
        due_meeting=due_meeting,
        **fields,
    )


def report(action, meeting, outcome):
    """A report-back as the meeting page's service would leave the action."""
    ReportBack.objects.create(action=action, meeting=meeting, outcome=outcome)
    if outcome == "carried":
        action.carry_count += 1
    elif outcome in ("done", "dropped"):
        action.status = outcome
    action.save()
    return action


def safe_pulse(meeting, count, level):
    """`count` responses whose overall score is exactly `level` (1–7): agreeing `level` with
    the positive items and `8 − level` with the reverse-scored ones."""
    answers = {f"item_{n}": (8 - level if n in (1, 3, 5) else level) for n in range(1, 8)}
    pulse_answers(meeting, [answers] * count)


def ask_challenge(programme):
    """The programme asks the two default challenge statements (numbers 8 and 9) as well."""
    PulseItem.objects.bulk_create(
        PulseItem(
            programme=programme,
            number=item.number,
            position=item.number,
            text=item.text,
            dimension=item.dimension,
        )
        for item in pulse.CHALLENGE_ITEMS
    )
    return [*pulse.ITEMS, *pulse.CHALLENGE_ITEMS]


def stretch_pulse(meeting, count, level, challenge):
    """`count` responses whose safety score is exactly `level` and whose challenge score is
    exactly `challenge`, to a programme that asks the default challenge statements."""
    answers = {f"item_{n}": (8 - level if n in (1, 3, 5) else level) for n in range(1, 8)}
    answers.update({item.field: challenge for item in pulse.CHALLENGE_ITEMS})
    pulse_answers(meeting, [answers] * count, [*pulse.ITEMS, *pulse.CHALLENGE_ITEMS])


def pulse_answers(meeting, answer_sets, items=pulse.ITEMS):
    """Count answers (each a mapping of item field to 1–7) into the meeting's tallies."""
    rows = pulse.tallies(meeting, answer_sets, items)
    existing = {(t.item, t.point): t for t in PulseTally.objects.filter(meeting=meeting)}
    if not existing:
        PulseTally.objects.bulk_create(rows)
        return
    for row in rows:
        existing[row.item, row.point].count += row.count
    PulseTally.objects.bulk_update(existing.values(), ["count"])
