"""Programmes built for the evaluation report's tests, with what each month of each set truly
holds, so that a test can compare the report with the truth and try to work out what it
holds back.

Each set meets on the 14th of each of its months (Europe/London). Member i of a set, at the
meeting of month j (counted from the programme's first month):

- attendance: present, except when (i + j) % 4 == 3: apologies sent three days ahead if i is
  even, absent if i is odd; and when (i + j) % 5 == 4 and not already out: apologies sent on
  the day;
- reports back on an action committed at that meeting, with outcome OUTCOME_CYCLE[(i + j) % 4]
  (partly done counts in none of done, carried and dropped), if the set's plan reports;
- answers the pulse, if among the first `pulse` members of the month's plan, at a level of
  4 + (i + j) % 3 (the published mean of these answers is exact).

Every action, note, topic and journal is planted text a test looks for in what the report
gives out.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from alsspace.models import User
from reflections.models import JournalEntry
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    Meeting,
    PulseReceipt,
    ReportBack,
    ValueStory,
)
from tests.factories import MembershipFactory, ProgrammeFactory, SetFactory, UserFactory
from tests.sessions.builders import pulse_answers

LONDON = ZoneInfo("Europe/London")
FIRST_MONTH = date(2025, 1, 1)
OUTCOME_CYCLE = ["done", "carried", "dropped", "partly"]

ACTION_TEXT = "Planted action: confront the CFO about the layoffs"
REPORT_NOTE = "Planted note: I learned the CFO is leaving"
TOPIC = "Planted topic: my divorce and the board"
PROCESS_NOTE = "Planted facilitator note: the set played safe"
JOURNAL = "Planted journal: I am afraid of the merger"
SECRET_NAME = "Zebedee Secretname"
PLANTED = [ACTION_TEXT, REPORT_NOTE, TOPIC, PROCESS_NOTE, JOURNAL, SECRET_NAME]


def month_of(index):
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


@dataclass
class SetPlan:
    """A set: its name, how many members meet in each month index it meets (a member who is
    not counted in a month has left the set before it), whether it reports back, and how many
    answer its pulse each month (0: no published pulse)."""

    name: str
    members: dict[int, int]
    reports: bool = True
    pulse: dict[int, int] = field(default_factory=dict)


@dataclass
class Truth:
    """Per (set name, month): expected, attended, committed; done, carried, dropped; and
    per month: pulse answers and the sum of their safety scores."""

    attendance: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    outcomes: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    pulse: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    months: set = field(default_factory=set)


@dataclass
class Built:
    programme: object
    admin: User
    sets: dict
    truth: Truth


def _status(i, j):
    if (i + j) % 4 == 3:
        return ("apologies", 3) if i % 2 == 0 else ("absent", None)
    if (i + j) % 5 == 4:
        return ("apologies", 0)
    return ("present", None)


def build(plans, *, admin=None, name="Evaluated Programme"):
    admin = admin or UserFactory(name="Erin Evaluator")
    programme = ProgrammeFactory(name=name, admins=[admin], time_zone="Europe/London")
    truth = Truth()
    sets = {}
    for plan in plans:
        learning_set = SetFactory(programme=programme, name=plan.name)
        sets[plan.name] = learning_set
        count = max(plan.members.values())
        people = [
            MembershipFactory(
                learning_set=learning_set,
                user__name=SECRET_NAME if index == 0 else f"{plan.name} member {index}",
            ).user
            for index in range(count)
        ]
        JournalEntry.objects.create(
            author=people[0],
            title="Shared",
            body=JOURNAL,
            shared_with=learning_set,
            shared_at=timezone.now(),
        )
        for j, size in sorted(plan.members.items()):
            _meeting(learning_set, plan, j, people[:size], truth)
    return Built(programme, admin, sets, truth)


def _meeting(learning_set, plan, j, present, truth):
    month = month_of(j)
    truth.months.add(month)
    starts = datetime(month.year, month.month, 14, 10, tzinfo=LONDON)
    meeting = Meeting.objects.create(
        learning_set=learning_set,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        status=Meeting.Status.HELD,
        process_review=PROCESS_NOTE,
    )
    AirtimeSlot.objects.create(meeting=meeting, presenter=present[0], topic=TOPIC)
    figures = truth.attendance[plan.name, month]
    outcomes = truth.outcomes[plan.name, month]
    for i, person in enumerate(present):
        status, days_ahead = _status(i, j)
        sent = starts - timedelta(days=days_ahead) if days_ahead is not None else None
        Attendance.objects.create(
            meeting=meeting, user=person, status=status, apologies_sent_at=sent
        )
        figures[0] += 1
        figures[1] += status == "present"
        figures[2] += status == "present" or (status == "apologies" and bool(days_ahead))
        if plan.reports:
            outcome = OUTCOME_CYCLE[(i + j) % 4]
            action = Action.objects.create(
                learning_set=learning_set, owner=person, committed_at=meeting, text=ACTION_TEXT
            )
            ReportBack.objects.create(
                action=action, meeting=meeting, outcome=outcome, note=REPORT_NOTE
            )
            if outcome != "partly":
                outcomes[["done", "carried", "dropped"].index(outcome)] += 1
    answering = present[: plan.pulse.get(j, 0)]
    if answering:
        levels = [4 + (i + j) % 3 for i in range(len(answering))]
        pulse_answers(
            meeting,
            [
                {f"item_{n}": (8 - level if n in (1, 3, 5) else level) for n in range(1, 8)}
                for level in levels
            ],
        )
        PulseReceipt.objects.bulk_create(
            PulseReceipt(meeting=meeting, user=person) for person in answering
        )
        meeting.pulse_published_at = starts + timedelta(days=8)
        meeting.save(update_fields=["pulse_published_at"])
        truth.pulse[month][0] += len(levels)
        truth.pulse[month][1] += sum(levels)  # each answer's safety score is its level
    return meeting


def story(built, set_name, text, consent, cycle="applied", number=0):
    """A value story on one of the set's report-backs (the `number`th), told by its owner with
    the consent given (a consent other than none is given now)."""
    report_back = ReportBack.objects.filter(
        meeting__learning_set=built.sets[set_name], value_story__isnull=True
    ).order_by("pk")[number]
    return ValueStory.objects.create(
        learning_set=built.sets[set_name],
        author=report_back.action.owner,
        report_back=report_back,
        text=text,
        cycle=cycle,
        consent=consent,
        consented_at=None if consent == "none" else timezone.now(),
    )
