"""The page benchmark's programme: 200 sets × 8 members × 12 meetings, made with bulk_create.

Imported by bench/run.py after Django is set up. Everything is written in one transaction,
so the programme's name is the marker that a complete seed exists.
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from alsspace.models import User
from reflections.models import JournalEntry
from sessions import pulse
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    Meeting,
    PulseReceipt,
    PulseTally,
    ReportBack,
)
from sets.models import Contract, ContractAcceptance, LearningSet, Membership, Programme

SETS = 200
MEMBERS = 8
MEETINGS = 12
SLOTS_PER_MEETING = 4
PULSE_ANSWERS_PER_MEETING = 6
JOURNAL_ENTRIES_PER_MEMBER = 3
PROGRAMME = "Bench Programme (200 sets × 8 members × 12 meetings)"
EMAIL_DOMAIN = "load.bench.example"
LONDON = ZoneInfo("Europe/London")
BATCH = 2000
# present 70%, late 10%, left early 5%, apologies 10%, absent 5%
STATUSES = ["present"] * 14 + ["late"] * 2 + ["left_early"] + ["apologies"] * 2 + ["absent"]
OUTCOMES = ["done", "done", "partly", "not_done", "carried", "dropped"]
JOURNAL_BODY = (
    "## What happened\n\nThe set asked why I keep waiting for the perfect moment to talk to "
    "the board about the reorganisation. I answered at once, which says something.\n\n"
    "## What I will try\n\nHave the conversation this week, and notice what I avoid saying."
)


def bench_programme():
    return Programme.objects.filter(name=PROGRAMME).first()


def meeting_starts(index):
    """Twelve monthly meetings through 2026, each set on its own day of the month."""
    day = 1 + index % 28
    return [datetime(2026, month, day, 9, 30, tzinfo=LONDON) for month in range(1, MEETINGS + 1)]


def delete_programme():
    Programme.objects.filter(name=PROGRAMME).delete()
    User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).delete()


def seed():
    """Make the programme and return it, with the seconds it took."""
    began = time.perf_counter()
    delete_programme()
    with transaction.atomic():
        programme = _seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return programme, time.perf_counter() - began


def _seed():
    now = timezone.now()
    admin = User.objects.create_user(f"admin@{EMAIL_DOMAIN}", name="Bench Admin")
    programme = Programme.objects.create(name=PROGRAMME, time_zone="Europe/London")
    programme.admins.add(admin)
    sets = LearningSet.objects.bulk_create(
        LearningSet(programme=programme, name=f"Set {n:03}", status="active") for n in range(SETS)
    )
    people = User.objects.bulk_create(
        (
            User(
                email=f"person{n:05}@{EMAIL_DOMAIN}",
                name=f"Person {n:05} Ødegård",
                password="!",  # noqa: S106 (an unusable password: sessions are made directly)
            )
            for n in range(SETS * (MEMBERS + 1))
        ),
        batch_size=BATCH,
    )
    joined = datetime(2025, 12, 1, tzinfo=LONDON)
    memberships, contracts, members_of = [], [], {}
    for index, learning_set in enumerate(sets):
        facilitator, *members = people[index * (MEMBERS + 1) : (index + 1) * (MEMBERS + 1)]
        members_of[learning_set.pk] = members
        memberships.append(
            Membership(
                learning_set=learning_set, user=facilitator, role="facilitator", joined_at=joined
            )
        )
        memberships += [
            Membership(learning_set=learning_set, user=m, joined_at=joined) for m in members
        ]
        contracts.append(
            Contract(
                learning_set=learning_set,
                version=1,
                text="We keep what is said here confidential.",
                created_by=facilitator,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    contracts = Contract.objects.bulk_create(contracts, batch_size=BATCH)
    ContractAcceptance.objects.bulk_create(
        (
            ContractAcceptance(contract=contract, user=member, accepted_at=joined)
            for contract in contracts
            for member in members_of[contract.learning_set_id]
        ),
        batch_size=BATCH,
    )
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                learning_set=learning_set,
                starts_at=start,
                ends_at=start + timedelta(hours=4),
                place="Room 2.14",
                status="held" if start < now else "scheduled",
            )
            for index, learning_set in enumerate(sets)
            for start in meeting_starts(index)
        ),
        batch_size=BATCH,
    )
    _seed_meetings(meetings, members_of)
    _seed_journals(meetings, members_of)
    return programme


def _seed_meetings(meetings, members_of):
    attendance, slots, receipts, tallies = [], [], [], []
    n = 0
    for number, meeting in enumerate(meetings):
        if meeting.status != "held":
            continue
        members = members_of[meeting.learning_set_id]
        for member in members:
            status = STATUSES[(n * 7) % len(STATUSES)]
            n += 1
            attendance.append(
                Attendance(
                    meeting=meeting,
                    user=member,
                    status=status,
                    apologies_sent_at=meeting.starts_at - timedelta(days=1)
                    if status == "apologies"
                    else None,
                )
            )
        for order in range(SLOTS_PER_MEETING):
            presenter = members[(number * SLOTS_PER_MEETING + order) % MEMBERS]
            slots.append(
                AirtimeSlot(
                    meeting=meeting,
                    presenter=presenter,
                    order=order,
                    topic="Leading the reorganisation",
                    planned_minutes=40,
                    actual_seconds=1800 + 97 * ((number + order) % 17),
                )
            )
        for member in members[:PULSE_ANSWERS_PER_MEETING]:
            receipts.append(PulseReceipt(meeting=meeting, user=member))
        answer_sets = [
            {f"item_{item}": 1 + (number + answer + item) % 7 for item in range(1, 8)}
            for answer in range(PULSE_ANSWERS_PER_MEETING)
        ]
        tallies.extend(pulse.tallies(meeting, answer_sets))
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    slots = AirtimeSlot.objects.bulk_create(slots, batch_size=BATCH)
    PulseReceipt.objects.bulk_create(receipts, batch_size=BATCH)
    PulseTally.objects.bulk_create(tallies, batch_size=BATCH)
    # Results already shown, as they would be once facilitators had looked.
    closed = [m.pk for m in meetings if m.status == "held" and pulse.is_closed(m)]
    Meeting.objects.filter(pk__in=closed).update(pulse_published_at=timezone.now())
    _seed_actions(meetings, slots)


def _seed_actions(meetings, slots):
    """One action per slot, due at the set's next meeting, which reports back on it when held."""
    next_meeting = {}
    for earlier, later in zip(meetings, meetings[1:], strict=False):
        if earlier.learning_set_id == later.learning_set_id:
            next_meeting[earlier.pk] = later
    by_pk = {meeting.pk: meeting for meeting in meetings}
    actions, outcomes = [], []
    for number, slot in enumerate(slots):
        meeting = by_pk[slot.meeting_id]
        due = next_meeting.get(meeting.pk)
        outcome = OUTCOMES[number % len(OUTCOMES)] if due and due.status == "held" else None
        status = {"done": "done", "dropped": "dropped"}.get(outcome, "open")
        actions.append(
            Action(
                learning_set_id=meeting.learning_set_id,
                owner_id=slot.presenter_id,
                committed_at=meeting,
                slot=slot,
                text="Talk to the finance director about next year's headcount.",
                due_meeting=due,
                status=status,
                carry_count=1 if outcome == "carried" else 0,
            )
        )
        outcomes.append((outcome, due))
    actions = Action.objects.bulk_create(actions, batch_size=BATCH)
    ReportBack.objects.bulk_create(
        (
            ReportBack(
                action=action,
                meeting=due,
                outcome=outcome,
                note="It went better than I feared.",
                written_by_id=action.owner_id,
            )
            for action, (outcome, due) in zip(actions, outcomes, strict=True)
            if outcome
        ),
        batch_size=BATCH,
    )


def _seed_journals(meetings, members_of):
    """A few entries per member, encrypted by the model field on the way in."""
    held = {}
    for meeting in meetings:
        if meeting.status == "held":
            held.setdefault(meeting.learning_set_id, []).append(meeting)
    entries = []
    for set_pk, members in members_of.items():
        for member in members:
            for number in range(JOURNAL_ENTRIES_PER_MEMBER):
                meeting = held[set_pk][-1 - number]
                entries.append(
                    JournalEntry(
                        author=member,
                        title=f"After the meeting on {meeting.starts_at:%d %B}",
                        body=JOURNAL_BODY,
                        learning_set_id=set_pk,
                        meeting=meeting,
                        created_at=meeting.ends_at + timedelta(hours=2),
                    )
                )
    JournalEntry.objects.bulk_create(entries, batch_size=BATCH)


def counts(programme):
    """What the seed holds, for the report."""
    meetings = Meeting.objects.filter(learning_set__programme=programme)
    return {
        "sets": LearningSet.objects.filter(programme=programme).count(),
        "people": Membership.objects.filter(learning_set__programme=programme).count(),
        "meetings": meetings.count(),
        "attendance": Attendance.objects.filter(meeting__in=meetings).count(),
        "airtime_slots": AirtimeSlot.objects.filter(meeting__in=meetings).count(),
        "actions": Action.objects.filter(committed_at__in=meetings).count(),
        "report_backs": ReportBack.objects.filter(meeting__in=meetings).count(),
        "pulse_answers": PulseTally.objects.filter(meeting__in=meetings, item=1).aggregate(
            answers=Sum("count", default=0)
        )["answers"],
        "journal_entries": JournalEntry.objects.filter(
            author__email__endswith="@" + EMAIL_DOMAIN
        ).count(),
    }
