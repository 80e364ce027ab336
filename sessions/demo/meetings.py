"""The demo sets' meetings: a monthly series of six, three held and three to come.

The held ones have attendance for everyone then in the set (mostly present; someone late,
someone with apologies sent ahead, someone absent), airtime on real work problems, the
actions each presenter committed to, report-backs on them at the following meetings (done,
partly, not done, carried forward, dropped; one action carried forward at two meetings in a
row), and the facilitator's process review; in Set Aurora's latest, one presenter's slot
carries their framing and ran in phases. The three to come have an attendance row for each
member, one with apologies already sent, and Set Aurora's next meeting has three bids in.
Safe to run again: a set that already has meetings is left alone.
"""

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from sessions import recurrence
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    Bid,
    Meeting,
    MeetingSeries,
    Phase,
    ReportBack,
    SlotPhase,
    Want,
)
from sets.management.commands.seed_demo import PROGRAMME_NAME
from sets.models import LearningSet, Membership

LATE = Attendance.Status.LATE
APOLOGIES = Attendance.Status.APOLOGIES
ABSENT = Attendance.Status.ABSENT
Outcome = ReportBack.Outcome

# Apologies for a past meeting were sent on the evening four days before it.
APOLOGIES_AHEAD = timedelta(days=3, hours=15)


@dataclass(frozen=True)
class Presenter:
    """An airtime slot: people are named by the local part of their demo address."""

    person: str
    topic: str
    planned_minutes: int
    timed: str  # "minutes:seconds" on the meeting page's timer
    action_key: str
    action: str  # what the presenter committed to
    framing: str = ""  # the problem in the presenter's words, brought with their bid
    # A slot run in phases: (phase, planned minutes, "minutes:seconds" it took), in order;
    # the last is the one under way when the meeting ended.
    phases: tuple = ()


@dataclass(frozen=True)
class Bidding:
    """A member's bid for airtime at the set's next meeting."""

    person: str
    want: str
    minutes: int
    problem: str


@dataclass(frozen=True)
class Heard:
    """A report-back on the action `action_key`: the facilitator's record at the meeting,
    or, `own`, the owner's, written before it; `changed`, the owner's that the facilitator
    then changed, confirming it, as the meeting record says."""

    action_key: str
    outcome: str
    note: str
    own: bool = False
    changed: bool = False


@dataclass(frozen=True)
class HeldMeeting:
    attendance: dict  # who was not simply present; everyone else then in the set was
    report_backs: list
    airtime: list
    review: str


@dataclass(frozen=True)
class MeetingPlan:
    ordinal: int  # the first to fourth, or last, `weekday` of each month
    weekday: int
    starts: time
    ends: time
    held: list  # three HeldMeetings, earliest first
    apologies_ahead: str  # who has already sent apologies for the next meeting
    bids: tuple = ()  # bids already in for the next meeting


MEETING_PLANS = {
    "Set Aurora": MeetingPlan(
        ordinal=3,
        weekday=1,
        starts=time(9, 30),
        ends=time(13, 30),
        apologies_ahead="member.aurora",
        bids=(
            Bidding(
                "aisha.rahman",
                Want.QUESTIONS,
                30,
                "The staff side agreed to co-present, and now I am not sure I want to share "
                "the stage. I would like questions that help me see why.",
            ),
            Bidding(
                "david.osei",
                Want.SOUNDING_BOARD,
                25,
                "The hour with the director went better than I feared. I want to think out "
                "loud about what we agreed before I lose it.",
            ),
            Bidding(
                "tom.gallagher",
                Want.CHECK_ACTION,
                20,
                "I plan to send the vacancies paper to the finance lead and copy the board. "
                "Is copying the board brave or just a way to avoid the conversation?",
            ),
        ),
        held=[
            HeldMeeting(
                attendance={
                    "david.osei": LATE,
                    "claire.morgan": APOLOGIES,
                    "pending.aurora": ABSENT,
                },
                report_backs=[],
                airtime=[
                    Presenter(
                        "member.aurora",
                        "Merging two community teams without losing the good people",
                        45,
                        "51:20",
                        "priya-leads",
                        "Meet each team lead one-to-one before the merger is announced and ask "
                        "what they are afraid of losing.",
                    ),
                    Presenter(
                        "tom.gallagher",
                        "An 8% budget cut the board has not been told the cost of",
                        45,
                        "47:05",
                        "tom-board",
                        "Tell the board plainly which service closes if the 8% cut goes ahead.",
                    ),
                    Presenter(
                        "aisha.rahman",
                        "A service redesign the front line does not trust",
                        40,
                        "38:40",
                        "aisha-front-line",
                        "Invite two front-line staff onto the redesign group and ask what "
                        "would make it trustworthy.",
                    ),
                ],
                review="Good energy for a first meeting, and everyone who presented brought "
                "a real problem. We drifted into advice during Tom's slot; next time I will "
                "name it sooner. Niamh did not come and did not let us know.",
            ),
            HeldMeeting(
                attendance={"aisha.rahman": LATE, "former.aurora": APOLOGIES},
                report_backs=[
                    Heard(
                        "priya-leads",
                        Outcome.DONE,
                        "Three of the four leads were relieved to be asked. One wants to "
                        "leave, and now we can talk about it openly.",
                    ),
                    Heard(
                        "tom-board",
                        Outcome.CARRIED,
                        "The paper came off the board agenda and I did not push to have it "
                        "put back.",
                    ),
                    Heard(
                        "aisha-front-line",
                        Outcome.PARTLY,
                        "One joined the group; the other's manager would not release her for "
                        "the meetings.",
                    ),
                ],
                airtime=[
                    Presenter(
                        "david.osei",
                        "A director I clash with in every meeting",
                        45,
                        "49:30",
                        "david-director",
                        "Ask the director for an hour to talk about how we work together, "
                        "not about the project.",
                    ),
                    Presenter(
                        "claire.morgan",
                        "Coming back from leave to a team that managed well without me",
                        40,
                        "42:10",
                        "claire-team",
                        "Ask the team what they want to keep from how they ran things while I "
                        "was away.",
                    ),
                    Presenter(
                        "member.aurora",
                        "Choosing which of two deputies to make acting head",
                        30,
                        "27:45",
                        "priya-plan",
                        "Draft the merged team's first-month plan with both deputies, not alone.",
                    ),
                ],
                review="Sharper questions today; David's slot was the first time someone said "
                "“I don't know” out loud. Tom's carried action came up again and the set let "
                "it pass quickly. Worth noticing next time.",
            ),
            HeldMeeting(
                attendance={
                    "david.osei": APOLOGIES,
                    "claire.morgan": LATE,
                    "former.aurora": ABSENT,
                },
                report_backs=[
                    Heard(
                        "tom-board",
                        Outcome.CARRIED,
                        "I have written the paper but not sent it. I know what I am avoiding.",
                    ),
                    Heard(
                        "aisha-front-line",
                        Outcome.DONE,
                        "Both are on the group now, and the second draft changed because of "
                        "what they said.",
                        own=True,
                        changed=True,
                    ),
                    Heard(
                        "claire-team",
                        Outcome.PARTLY,
                        "They want to keep the Friday huddle. I asked, but I have not yet let "
                        "go of the rota.",
                    ),
                    Heard(
                        "priya-plan",
                        Outcome.DROPPED,
                        "The board paused the merger until April, so the plan is on hold.",
                    ),
                ],
                airtime=[
                    Presenter(
                        "tom.gallagher",
                        "Recruiting to three vacant posts during a hiring freeze",
                        45,
                        "44:15",
                        "tom-vacancies",
                        "Map which vacancies put patient safety at risk and take the list to "
                        "the finance lead.",
                        framing="Three posts are empty and the freeze means I cannot fill "
                        "them. I keep stretching the team to cover, and I am not sure I have "
                        "told anyone above me what that is costing.",
                        phases=(
                            (Phase.PRESENTING, 10, "9:40"),
                            (Phase.QUESTIONS, 20, "21:05"),
                            (Phase.REFLECTION, 10, "8:30"),
                            (Phase.COMMITMENT, 5, "5:00"),
                        ),
                    ),
                    Presenter(
                        "aisha.rahman",
                        "Presenting the redesign to the staff side",
                        40,
                        "46:50",
                        "aisha-staff-side",
                        "Ask the staff-side lead to co-present the redesign rather than "
                        "respond to it.",
                    ),
                    Presenter(
                        "claire.morgan",
                        "Letting the team keep decisions they made without me",
                        35,
                        "31:05",
                        "claire-rota",
                        "Hand the rota decisions back to the team for a month and see what "
                        "happens.",
                    ),
                ],
                review="A quieter meeting with David away. Tom named his own avoidance, which "
                "opened the best conversation we have had. I will talk to Niamh about the "
                "contract before the next meeting.",
            ),
        ],
    ),
    "Set Birch": MeetingPlan(
        ordinal=3,
        weekday=3,
        starts=time(13, 30),
        ends=time(17, 30),
        apologies_ahead="fatima.begum",
        held=[
            HeldMeeting(
                attendance={"callum.reid": LATE, "fatima.begum": APOLOGIES},
                report_backs=[],
                airtime=[
                    Presenter(
                        "member.birch",
                        "My first paper to the board",
                        40,
                        "43:25",
                        "sofia-board",
                        "Ask a non-executive director for twenty minutes to hear what the "
                        "board wants from my first paper.",
                    ),
                    Presenter(
                        "owen.hughes",
                        "An overspent budget I inherited and am now accountable for",
                        45,
                        "50:10",
                        "owen-overspend",
                        "Go through the overspend line by line with the finance business "
                        "partner before promising any savings.",
                    ),
                    Presenter(
                        "grace.liu",
                        "Managing two people who were my peers until last month",
                        40,
                        "39:00",
                        "grace-peers",
                        "Tell my two former peers directly what will change now that I "
                        "manage them, and what will not.",
                    ),
                ],
                review="A careful first meeting. Owen's slot ran over because I did not call "
                "time; we agreed to keep the timer where everyone can see it.",
            ),
            HeldMeeting(
                attendance={"owen.hughes": APOLOGIES, "grace.liu": LATE},
                report_backs=[
                    Heard(
                        "sofia-board",
                        Outcome.DONE,
                        "She told me to lead with the risk, not the plan. The paper went "
                        "through with one question.",
                    ),
                    Heard(
                        "grace-peers",
                        Outcome.NOT_DONE,
                        "I rehearsed it twice and then found reasons to wait.",
                    ),
                ],
                airtime=[
                    Presenter(
                        "callum.reid",
                        "Running a restructure consultation without losing trust",
                        45,
                        "47:40",
                        "callum-timetable",
                        "Publish the consultation timetable to all staff on the same day as "
                        "the union briefing.",
                    ),
                    Presenter(
                        "fatima.begum",
                        "Saying no to a chief executive who asks for everything",
                        40,
                        "44:05",
                        "fatima-no",
                        "Say no, with reasons, to the next request outside the agreed plan, "
                        "and notice what happens.",
                    ),
                ],
                review="Two strong slots. Grace's “not done” was honest, and the set did not "
                "rush to rescue her. Owen sent his apologies in good time.",
            ),
            HeldMeeting(
                attendance={"callum.reid": ABSENT, "fatima.begum": LATE},
                report_backs=[
                    Heard(
                        "owen-overspend",
                        Outcome.DONE,
                        "Most of the overspend was one agency contract. The savings target "
                        "is half what I feared, and credible.",
                    ),
                    Heard(
                        "grace-peers",
                        Outcome.CARRIED,
                        "I told one of them, and it was easier than I feared. The second "
                        "conversation is booked.",
                    ),
                    Heard(
                        "fatima-no",
                        Outcome.DONE,
                        "I said no twice. The second time the chief executive thanked me for "
                        "being clear.",
                        own=True,
                    ),
                ],
                airtime=[
                    Presenter(
                        "owen.hughes",
                        "A team whose morale dropped after the restructure",
                        45,
                        "41:55",
                        "owen-teams",
                        "Spend an afternoon with each of the three teams and listen before "
                        "saying anything about plans.",
                    ),
                    Presenter(
                        "grace.liu",
                        "Disagreeing with my own director in front of my team",
                        35,
                        "36:20",
                        "grace-director",
                        "Agree with my director how we handle disagreement in front of the team.",
                    ),
                    Presenter(
                        "member.birch",
                        "Recruiting a deputy I can trust with the detail",
                        35,
                        "33:10",
                        "sofia-deputy",
                        "Write down what I need from a deputy before reading any applications.",
                    ),
                ],
                review="Callum missed the meeting without a word; I will call him this week. "
                "Grace's carried action is moving. The set is getting better at leaving a "
                "silence after a question.",
            ),
        ],
    ),
    # Set Hazel has settled into a routine: the same three members take airtime in the same
    # order every time, which the dashboard raises as a set-wide prompt
    # (docs/signals.md#same-airtime-order).
    "Set Hazel": MeetingPlan(
        ordinal=2,
        weekday=2,
        starts=time(14, 0),
        ends=time(17, 0),
        apologies_ahead="hannah.lewis",
        held=[
            HeldMeeting(
                attendance={"kwame.mensah": LATE, "leo.marsh": ABSENT},
                report_backs=[],
                airtime=[
                    Presenter(
                        "member.hazel",
                        "Merging two teams that do not trust each other",
                        40,
                        "41:10",
                        "ben-merge",
                        "Bring both team leaders together for an hour before announcing the "
                        "new structure.",
                    ),
                    Presenter(
                        "hannah.lewis",
                        "A partner organisation that keeps missing its deadlines",
                        40,
                        "38:45",
                        "hannah-partner",
                        "Ask the partner's director what is getting in their way, before "
                        "escalating.",
                    ),
                    Presenter(
                        "kwame.mensah",
                        "Delegating work I used to do myself",
                        40,
                        "40:20",
                        "kwame-delegate",
                        "Hand the monthly performance report to my deputy, and not rewrite it.",
                    ),
                ],
                review="A good first meeting. Ben offered to go first, and Hannah and Kwame "
                "followed.",
            ),
            HeldMeeting(
                attendance={"joanna.wells": APOLOGIES},
                report_backs=[
                    Heard(
                        "ben-merge",
                        Outcome.DONE,
                        "The two leaders found they agreed on more than they expected.",
                    ),
                    Heard(
                        "hannah-partner",
                        Outcome.DONE,
                        "Their director was stretched across three contracts. We agreed new dates.",
                    ),
                    Heard(
                        "kwame-delegate",
                        Outcome.CARRIED,
                        "My deputy wrote it; I have not yet stopped myself editing it.",
                    ),
                ],
                airtime=[
                    Presenter(
                        "member.hazel",
                        "Telling the merged team which roles will go",
                        40,
                        "39:30",
                        "ben-roles",
                        "Meet each person whose role changes before the team meeting.",
                    ),
                    Presenter(
                        "hannah.lewis",
                        "Whether to renew the partner's contract",
                        40,
                        "42:05",
                        "hannah-renew",
                        "Write down what would have to be true to renew, and share it with "
                        "my director.",
                    ),
                    Presenter(
                        "kwame.mensah",
                        "A deputy who waits for my approval on everything",
                        40,
                        "40:00",
                        "kwame-approval",
                        "Tell my deputy which three decisions are now theirs alone.",
                    ),
                ],
                review="Joanna sent apologies in good time. The same running order as last "
                "time; nobody suggested changing it.",
            ),
            HeldMeeting(
                attendance={"joanna.wells": ABSENT},
                report_backs=[
                    Heard(
                        "kwame-delegate",
                        Outcome.DONE,
                        "I read the report once, changed nothing, and it went out.",
                    ),
                    Heard(
                        "ben-roles",
                        Outcome.DONE,
                        "Hard conversations, but nobody heard it first in a meeting.",
                    ),
                    Heard(
                        "hannah-renew",
                        Outcome.PARTLY,
                        "I wrote it down; I have not shared it yet.",
                    ),
                    Heard(
                        "kwame-approval",
                        Outcome.DONE,
                        "Two of the three decisions came back to me anyway.",
                    ),
                ],
                airtime=[
                    Presenter(
                        "member.hazel",
                        "Keeping the merged team's best people",
                        40,
                        "40:40",
                        "ben-keep",
                        "Ask my two strongest people what would make them stay.",
                    ),
                    Presenter(
                        "hannah.lewis",
                        "Saying no to my director's favourite project",
                        40,
                        "41:15",
                        "hannah-no",
                        "Put the cost of the project in front of my director in writing.",
                    ),
                    Presenter(
                        "kwame.mensah",
                        "Why decisions still come back to me",
                        40,
                        "39:50",
                        "kwame-back",
                        "Ask my deputy what makes bringing a decision back to me feel safer.",
                    ),
                ],
                review="Ben, Hannah, Kwame, in that order, for the third time. Joanna was "
                "absent and Hannah's was the only action not done.",
            ),
        ],
    ),
}


def _month(day, shift):
    years, index = divmod(day.month - 1 + shift, 12)
    return day.year + years, index + 1


def demo_meeting_days(plan, today):
    """The plan's last three meeting days before `today` and its next three after it."""
    days = [
        recurrence.nth_weekday(*_month(today, shift), plan.ordinal, plan.weekday)
        for shift in range(-4, 5)
    ]
    return [day for day in days if day < today][-3:], [day for day in days if day > today][:3]


def _local_part(user):
    """How the plans name demo people: the part of their address before the @."""
    return user.email.split("@")[0]


def _seconds(timed):
    minutes, seconds = timed.split(":")
    return int(minutes) * 60 + int(seconds)


def _in_set_at(memberships, moment):
    """The members (facilitators aside) in the set at `moment`, by name."""
    members = [
        m
        for m in memberships
        if m.role == Membership.Role.MEMBER and (m.left_at is None or m.left_at > moment)
    ]
    return sorted(members, key=lambda m: m.user.name)


def _record_attendance(meeting, plan, memberships, facilitator):
    rows = []
    for membership in _in_set_at(memberships, meeting.starts_at):
        status = plan.attendance.get(_local_part(membership.user), Attendance.Status.PRESENT)
        sent = status == APOLOGIES
        rows.append(
            Attendance(
                meeting=meeting,
                user=membership.user,
                status=status,
                apologies_sent_at=meeting.starts_at - APOLOGIES_AHEAD if sent else None,
                recorded_by=membership.user if sent else facilitator,
            )
        )
    Attendance.objects.bulk_create(rows)


def _hear(meeting, heard, actions, facilitator, following):
    """Report-backs, leaving each action as the meeting page's would (services.running)."""
    for item in heard:
        action = actions[item.action_key]
        if item.outcome in (Outcome.DONE, Outcome.DROPPED):
            action.status = item.outcome
        elif item.outcome == Outcome.CARRIED:
            action.carry_count += 1
            action.due_meeting = following
        action.save(update_fields=["status", "carry_count", "due_meeting"])
        ReportBack.objects.create(
            action=action,
            meeting=meeting,
            outcome=item.outcome,
            note=item.note,
            author=action.owner if item.own else facilitator,
            written_by=facilitator if item.changed or not item.own else action.owner,
        )
        # Written at check-in, or by the owner the day before.
        written = meeting.starts_at + (timedelta(days=-1) if item.own else timedelta(minutes=20))
        ReportBack.objects.filter(action=action, meeting=meeting).update(
            created_at=written, updated_at=written
        )


def _run_phases(slot, phases):
    """The slot's phases as the meeting page leaves them: each one the set moved on from
    with the time it took, the last under way from the timer's reading it began at."""
    begun = 0
    for order, (kind, planned, took) in enumerate(phases):
        last = order == len(phases) - 1
        SlotPhase.objects.create(
            slot=slot,
            kind=kind,
            order=order,
            planned_minutes=planned,
            used_seconds=0 if last else _seconds(took),
        )
        if not last:
            begun += _seconds(took)
    slot.phase = phases[-1][0]
    slot.phase_from_seconds = begun
    slot.save(update_fields=["phase", "phase_from_seconds"])


def _present_airtime(meeting, presenters, people, actions, following):
    for order, presenter in enumerate(presenters):
        person = people[presenter.person]
        slot = AirtimeSlot.objects.create(
            meeting=meeting,
            presenter=person,
            order=order,
            topic=presenter.topic,
            planned_minutes=presenter.planned_minutes,
            actual_seconds=_seconds(presenter.timed),
            framing=presenter.framing,
            want=Want.QUESTIONS if presenter.framing else "",
        )
        if presenter.phases:
            _run_phases(slot, presenter.phases)
        actions[presenter.action_key] = Action.objects.create(
            learning_set=meeting.learning_set,
            owner=person,
            committed_at=meeting,
            slot=slot,
            text=presenter.action,
            due_meeting=following,
        )
    meeting.actions_committed.update(created_at=meeting.ends_at)


def _expect(meeting, memberships, apologies_from, now):
    """Attendance rows, not yet recorded, for a meeting to come; one member has already
    sent apologies."""
    rows = []
    for membership in _in_set_at(memberships, meeting.starts_at):
        sent = _local_part(membership.user) == apologies_from
        rows.append(
            Attendance(
                meeting=meeting,
                user=membership.user,
                status=APOLOGIES if sent else "",
                apologies_sent_at=now - timedelta(days=1) if sent else None,
                recorded_by=membership.user if sent else None,
            )
        )
    Attendance.objects.bulk_create(rows)


@transaction.atomic
def seed_set_meetings(learning_set, plan, now=None):
    """A demo set's six meetings, three held and three to come; False when the set already
    has meetings."""
    now = now or timezone.now()
    if learning_set.meetings.exists():
        return False
    zone = ZoneInfo(learning_set.programme.time_zone)
    memberships = list(learning_set.memberships.select_related("user"))
    people = {_local_part(m.user): m.user for m in memberships}
    facilitator = next(m.user for m in memberships if m.role == Membership.Role.FACILITATOR)
    past, future = demo_meeting_days(plan, now.astimezone(zone).date())
    rule = recurrence.Rule(recurrence.MONTHLY_WEEKDAY, ordinal=plan.ordinal, weekday=plan.weekday)
    series = MeetingSeries.objects.create(
        learning_set=learning_set,
        description=f"{rule.describe(past[0])}, {len(past) + len(future)} meetings",
        created_by=facilitator,
    )
    reminder = timedelta(hours=learning_set.reminder_hours)
    meetings = []
    for day, held in zip(past + future, [*plan.held] + [None] * len(future), strict=True):
        starts_at = recurrence.local_to_utc(day, plan.starts, zone)
        meetings.append(
            Meeting.objects.create(
                learning_set=learning_set,
                series=series,
                starts_at=starts_at,
                ends_at=recurrence.local_to_utc(day, plan.ends, zone),
                place=learning_set.default_place,
                video_link=learning_set.default_video_link,
                status=Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                process_review=held.review if held else "",
                reminder_sent_at=starts_at - reminder if held else None,
                created_by=facilitator,
            )
        )
    actions = {}
    for index, held in enumerate(plan.held):
        meeting, following = meetings[index], meetings[index + 1]
        _record_attendance(meeting, held, memberships, facilitator)
        _hear(meeting, held.report_backs, actions, facilitator, following)
        _present_airtime(meeting, held.airtime, people, actions, following)
    for meeting in meetings[len(plan.held) :]:
        _expect(meeting, memberships, plan.apologies_ahead, now)
    next_meeting = meetings[len(plan.held)]
    for order, bid in enumerate(plan.bids):
        Bid.objects.create(
            meeting=next_meeting,
            member=people[bid.person],
            problem=bid.problem,
            want=bid.want,
            minutes=bid.minutes,
            order=order,
        )
    return True


def seed_demo_meetings(now=None):
    """Give each demo set its meetings (see the module's docstring). Returns the names of
    the sets given them."""
    demo_sets = LearningSet.objects.filter(
        programme__name=PROGRAMME_NAME, name__in=list(MEETING_PLANS)
    ).select_related("programme")
    return [
        learning_set.name
        for learning_set in demo_sets.order_by("name")
        if seed_set_meetings(learning_set, MEETING_PLANS[learning_set.name], now)
    ]
