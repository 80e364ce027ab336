"""The learning-inaction signals, one small function each, in the order and under the names
of docs/signals.md#the-signals.

Each reads a SetHistory (sessions.inaction.history) and the programme's Thresholds, and
yields a Finding for every (member, evidence) where its signal fires now. They only read:
sessions.inaction.reconcile turns findings into prompts.

Signals read what happened at meetings marked held; "below quorum" and apologies on the day
also look at the next scheduled meeting. An evidence key names what fired, so that the
same situation found again is the same prompt: an action ("action:17"), the meeting a run
began at while it lasts ("since-meeting:12"), or the meetings themselves ("meetings:3,4,5").
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from alsspace.models import User
from sessions.inaction.history import SetHistory, airtime_seconds
from sessions.inaction.thresholds import Thresholds
from sessions.models import Action, Attendance, InactionPrompt, Meeting, ReportBack

T = TypeVar("T")
# A finding's identity, and its prompt's: (signal, member id or None, evidence key).
Identity = tuple[str, int | None, str]

Signal = InactionPrompt.Signal
MISSED = (Attendance.Status.APOLOGIES, Attendance.Status.ABSENT)


@dataclass(frozen=True)
class Finding:
    signal: str
    evidence_key: str
    member: User | None = None
    meetings: tuple[Meeting, ...] = ()
    actions: tuple[Action, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def identity(self) -> Identity:
        return (self.signal, self.member.pk if self.member else None, self.evidence_key)


def _ids(meetings: Sequence[Meeting]) -> str:
    return ",".join(str(meeting.pk) for meeting in meetings)


def _trailing(items: Sequence[T], test: Callable[[T], bool]) -> list[T]:
    """The run of items at the end of the list for which `test` holds."""
    run: list[T] = []
    for item in reversed(items):
        if not test(item):
            break
        run.insert(0, item)
    return run


def _open_actions_of_members(history: SetHistory) -> Iterator[tuple[Action, User]]:
    """Each open action a current member owns, with that member."""
    for action in history.actions:
        if action.owner_id is None:
            continue
        owner = history.members_by_id.get(action.owner_id)
        if owner is not None and action.status == Action.Status.OPEN:
            yield action, owner


def carried_action(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """An action carried forward at its last N report-backs in a row, and still open."""
    for action, owner in _open_actions_of_members(history):
        run = _trailing(
            history.held_reports(action), lambda r: r.outcome == ReportBack.Outcome.CARRIED
        )
        if len(run) >= thresholds.carried_action_meetings:
            yield Finding(
                Signal.CARRIED_ACTION,
                f"action:{action.pk}",
                member=owner,
                meetings=tuple(history.held_by_id[r.meeting_id] for r in run),
                actions=(action,),
                facts={"times": len(run)},
            )


def _due_meeting(history: SetHistory, action: Action) -> Meeting | None:
    """The held meeting an action was due at: the one named, or for an action due by a date,
    the first held meeting on or after that day."""
    if action.due_meeting_id:
        return next((m for m in history.held if m.pk == action.due_meeting_id), None)
    if action.due_on:
        committed = next((m for m in history.held if m.pk == action.committed_at_id), None)
        return next(
            (
                m
                for m in history.held
                if history.day(m.starts_at) >= action.due_on
                and (committed is None or m.starts_at > committed.starts_at)
            ),
            None,
        )
    return None


def unreported_action(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """An open action whose owner came to the meeting it was due at and has given no
    report-back on it there or since."""
    for action, owner in _open_actions_of_members(history):
        due = _due_meeting(history, action)
        if due is None or not history.attended(due, owner):
            continue
        reported = any(
            history.held_by_id[r.meeting_id].starts_at >= due.starts_at
            for r in history.held_reports(action)
        )
        if not reported:
            yield Finding(
                Signal.UNREPORTED_ACTION,
                f"action:{action.pk}:due:{due.pk}",
                member=owner,
                meetings=(due,),
                actions=(action,),
            )


def silent_member(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A member who came to each of the last N held meetings and had no airtime in any."""
    for member in history.members:
        run = _trailing(
            history.held,
            lambda m, member=member: (
                history.attended(m, member) and not history.presented(m, member)
            ),
        )
        if len(run) >= thresholds.silent_member_meetings:
            yield Finding(
                Signal.SILENT_MEMBER,
                f"since-meeting:{run[0].pk}",
                member=member,
                meetings=tuple(run),
                facts={"times": len(run)},
            )


def airtime_imbalance(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """Over the last N held meetings, one member had more than the threshold share of all
    the airtime in them."""
    window = history.latest(thresholds.airtime_window_meetings)
    if window is None:
        return
    slots = [slot for meeting in window for slot in history.slots.get(meeting.pk, [])]
    total = sum(airtime_seconds(slot) for slot in slots)
    if not total:
        return
    for member in history.members:
        own = sum(airtime_seconds(slot) for slot in slots if slot.presenter_id == member.pk)
        if own * 100 > thresholds.airtime_share_percent * total:
            yield Finding(
                Signal.AIRTIME_IMBALANCE,
                f"meetings:{_ids(window)}",
                member=member,
                meetings=tuple(window),
                facts={"share": round(own * 100 / total), "count": len(window)},
            )


def _apologies_on_the_day(history: SetHistory, meeting: Meeting, member: User) -> bool:
    row = history.attendance.get((meeting.pk, member.pk))
    return (
        row is not None
        and row.status == Attendance.Status.APOLOGIES
        and row.apologies_sent_at is not None
        and history.day(row.apologies_sent_at) >= history.day(meeting.starts_at)
    )


def attendance_drift(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A member who missed N of the last M held meetings (apologies or absent), or sent
    apologies on the day of one of them or of the next meeting."""
    window = history.held[-thresholds.attendance_window :]
    upcoming = [history.next_meeting] if history.next_meeting else []
    for member in history.members:
        missed = [m for m in window if history.status(m, member) in MISSED]
        drifting = len(missed) >= thresholds.attendance_missed
        on_the_day = [m for m in window + upcoming if _apologies_on_the_day(history, m, member)]
        if not drifting and not on_the_day:
            continue
        evidence = sorted(set(on_the_day + (missed if drifting else [])), key=lambda m: m.starts_at)
        yield Finding(
            Signal.ATTENDANCE_DRIFT,
            f"meetings:{_ids(evidence)}",
            member=member,
            meetings=tuple(evidence),
            facts={
                "missed": len(missed),
                "count": len(window),
                "on_the_day": tuple(on_the_day),
                "drifting": drifting,
            },
        )


def below_quorum(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """Fewer members than the set's quorum are expected at its next meeting, once those who
    have sent apologies are counted out."""
    meeting = history.next_meeting
    if meeting is None:
        return
    apologies = sum(
        1
        for member in history.members
        if history.status(meeting, member) == Attendance.Status.APOLOGIES
    )
    expected = len(history.members) - apologies
    if expected < thresholds.quorum:
        yield Finding(
            Signal.BELOW_QUORUM,
            f"meeting:{meeting.pk}",
            meetings=(meeting,),
            facts={"expected": expected, "apologies": apologies, "quorum": thresholds.quorum},
        )


def talk_without_action(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A presenter whose last N airtime slots in a row (at held meetings) each ended with no
    action committed by them at that meeting.

    A meeting where every slot of theirs was closed as "learning noted, no action" is
    skipped: it neither counts towards the run nor breaks it, since naming an insight is
    neither talk without action nor an action (docs/signals.md#talk-without-action)."""
    committed = {(action.committed_at_id, action.owner_id) for action in history.actions}
    for member in history.members:
        presented = [
            m
            for m in history.held
            if history.presented(m, member)
            and ((m.pk, member.pk) in committed or not history.only_learning_noted(m, member))
        ]
        run = _trailing(presented, lambda m, member=member: (m.pk, member.pk) not in committed)
        if len(run) >= thresholds.talk_without_action_slots:
            yield Finding(
                Signal.TALK_WITHOUT_ACTION,
                f"since-meeting:{run[0].pk}",
                member=member,
                meetings=tuple(run),
                facts={"times": len(run)},
            )


def pulse_dip(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """The set's mean safety score fell by the threshold or more from one meeting whose
    results are shown to the next. Where the later meeting also asked the challenge
    statements and its challenge score reached pulse.STRETCH_MARK, the dip reads as stretch
    (productive discomfort) rather than danger; the facts say which
    (docs/signals.md#pulse-dip)."""
    shown = [m for m in history.held if history.pulse[m.pk].shown]
    if len(shown) < 2:
        return
    before, after = shown[-2], shown[-1]
    was, now = history.pulse[before.pk].overall, history.pulse[after.pk].overall
    assert was is not None and now is not None  # shown results have an overall score
    if was - now >= Fraction(thresholds.pulse_dip):
        latest = history.pulse[after.pk]
        yield Finding(
            Signal.PULSE_DIP,
            f"meetings:{before.pk},{after.pk}",
            meetings=(before, after),
            facts={
                "was": round(float(was), 1),
                "now": round(float(now), 1),
                "challenge": latest.challenge_rounded,
                "reading": "stretch" if latest.stretched else "danger",
            },
        )


SIGNALS: list[Callable[[SetHistory, Thresholds], Iterator[Finding]]] = [
    carried_action,
    unreported_action,
    silent_member,
    airtime_imbalance,
    attendance_drift,
    below_quorum,
    talk_without_action,
    pulse_dip,
]


def detect(history: SetHistory, thresholds: Thresholds) -> dict[Identity, Finding]:
    """Every finding in the set now, by identity."""
    findings: dict[Identity, Finding] = {}
    for signal in SIGNALS:
        for finding in signal(history, thresholds):
            findings[finding.identity] = finding
    return findings
