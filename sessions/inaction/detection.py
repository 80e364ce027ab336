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

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from alsspace.models import User
from sessions.inaction.history import SetHistory, airtime_seconds
from sessions.inaction.thresholds import Thresholds
from sessions.models import Action, AirtimeSlot, Attendance, InactionPrompt, Meeting, ReportBack
from sessions.notice import sent_with_notice, with_notice

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
    """Apologies the member sent on the day of the meeting, or after it began (an apology
    with no time it was sent is neither with notice nor known to be on the day)."""
    row = history.attendance.get((meeting.pk, member.pk))
    return (
        row is not None
        and row.status == Attendance.Status.APOLOGIES
        and row.apologies_sent_at is not None
        and not sent_with_notice(row.apologies_sent_at, meeting.starts_at, history.zone)
    )


def _apologies_with_notice(history: SetHistory, meeting: Meeting, member: User) -> bool:
    row = history.attendance.get((meeting.pk, member.pk))
    return row is not None and with_notice(
        row.status, row.apologies_sent_at, meeting.starts_at, history.zone
    )


def _missed(history: SetHistory, meeting: Meeting, member: User) -> bool:
    """Absent, or apologies not sent with notice: apologies sent before the day are not a
    missed meeting (sessions/notice.py, docs/signals.md#attendance-drift)."""
    return history.status(meeting, member) in MISSED and not _apologies_with_notice(
        history, meeting, member
    )


def attendance_drift(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A member who missed N of the last M held meetings (absent, or apologies on the day),
    or sent apologies on the day of one of them or of the next meeting."""
    window = history.held[-thresholds.attendance_window :]
    upcoming = [history.next_meeting] if history.next_meeting else []
    for member in history.members:
        missed = [m for m in window if _missed(history, m, member)]
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
    statements and its challenge score reached the programme's stretch mark, the dip reads
    as stretch (productive discomfort) rather than danger; the facts say which
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
                "reading": "stretch" if latest.stretched(thresholds.stretch_mark) else "danger",
            },
        )


def apologies_pattern(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A member who sent apologies with notice for N of the last M held meetings: not a
    missed meeting, but a pattern the set may want to talk about, gently."""
    window = history.held[-thresholds.apologies_pattern_window :]
    for member in history.members:
        sent = [m for m in window if _apologies_with_notice(history, m, member)]
        if len(sent) >= thresholds.apologies_pattern_count:
            yield Finding(
                Signal.APOLOGIES_PATTERN,
                f"meetings:{_ids(sent)}",
                member=member,
                meetings=tuple(sent),
                facts={"sent": len(sent), "count": len(window)},
            )


# The collective signals: set-wide (no member), after Vince's collusion, a set keeping its
# learning safe together (docs/signals.md#the-collective-signals).


def playing_safe(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """At the last N held meetings in a row (or more) every report-back was done, with at
    least one at each, and the set's published pulse over them was high and flat."""
    run = _trailing(
        history.held,
        lambda m: (
            bool(history.reports_at(m))
            and all(r.outcome == ReportBack.Outcome.DONE for r in history.reports_at(m))
        ),
    )
    if len(run) < thresholds.playing_safe_meetings:
        return
    # The overall score of each meeting of the run whose pulse results are published.
    published = [score for m in run if (score := history.pulse[m.pk].overall) is not None]
    if len(published) < 2:  # one score says nothing about how flat the pulse is
        return
    low, high = min(published), max(published)
    if low < Fraction(thresholds.playing_safe_pulse_high):
        return
    if high - low >= Fraction(thresholds.playing_safe_pulse_spread):
        return
    yield Finding(
        Signal.PLAYING_SAFE,
        f"since-meeting:{run[0].pk}",
        meetings=tuple(run),
        facts={
            "times": len(run),
            "reports": sum(len(history.reports_at(m)) for m in run),
            "pulses": len(published),
            "low": round(float(low), 1),
            "high": round(float(high), 1),
        },
    )


# Two topics are the same when their words, in any case and without punctuation, are the
# same, or when at least this share of all their distinct words are in both (Jaccard).
TOPIC_OVERLAP = Fraction(3, 5)


def topic_words(topic: str) -> frozenset[str]:
    """A topic's words, in lower case, without punctuation or extra spaces."""
    return frozenset(re.findall(r"[^\W_]+", topic.casefold()))


def same_topic(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return a == b or Fraction(len(a & b), len(a | b)) >= TOPIC_OVERLAP


def recurring_topic(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """A member who brought the same topic to airtime at N held meetings or more (the latest
    of them in a row, for that topic) without committing to any action at those meetings."""
    committed = {(action.committed_at_id, action.owner_id) for action in history.actions}
    for member in history.members:
        # Each of the member's topics, with its slots, earliest first: a slot joins the
        # first topic it is the same as.
        topics: list[tuple[frozenset[str], list[AirtimeSlot]]] = []
        for meeting in history.held:
            for slot in history.slots.get(meeting.pk, []):
                words = topic_words(slot.topic) if slot.presenter_id == member.pk else None
                if not words:
                    continue
                same = next((slots for first, slots in topics if same_topic(first, words)), None)
                if same is None:
                    topics.append((words, [slot]))
                elif same[-1].meeting_id != meeting.pk:
                    same.append(slot)
        for _, slots in topics:
            run = _trailing(
                slots, lambda s, member=member: (s.meeting_id, member.pk) not in committed
            )
            if len(run) >= thresholds.recurring_topic_meetings:
                # Set-wide, like the other collective signals: the set keeps hearing it.
                yield Finding(
                    Signal.RECURRING_TOPIC,
                    f"since-slot:{run[0].pk}",
                    meetings=tuple(history.held_by_id[s.meeting_id] for s in run),
                    facts={"times": len(run), "topic": run[-1].topic, "presenter": member},
                )


def _airtime_order(history: SetHistory, meeting: Meeting) -> tuple[int, ...]:
    """Who took airtime at a meeting, in the order of their first slot."""
    order: list[int] = []
    for slot in history.slots.get(meeting.pk, []):
        if slot.presenter_id is not None and slot.presenter_id not in order:
            order.append(slot.presenter_id)
    return tuple(order)


# Fewer presenters than this make the same order too likely to mean anything.
SAME_ORDER_PRESENTERS = 3


def same_airtime_order(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """The members took airtime in the same order, three or more of them, at the last N held
    meetings in a row (or more)."""
    if not history.held:
        return
    latest = _airtime_order(history, history.held[-1])
    if len(latest) < SAME_ORDER_PRESENTERS:
        return
    run = _trailing(history.held, lambda m: _airtime_order(history, m) == latest)
    if len(run) >= thresholds.same_airtime_order_meetings:
        yield Finding(
            Signal.SAME_AIRTIME_ORDER,
            f"since-meeting:{run[0].pk}",
            meetings=tuple(run),
            facts={"times": len(run), "presenters": len(latest)},
        )


def no_value_notes(history: SetHistory, thresholds: Thresholds) -> Iterator[Finding]:
    """No report-back at the last N held meetings in a row (or more) carried a learning or
    value note, and there were at least K report-backs at them. The evidence is the meetings
    of the run that had report-backs."""
    run = _trailing(history.held, lambda m: not any(r.note.strip() for r in history.reports_at(m)))
    reported = [m for m in run if history.reports_at(m)]
    reports = sum(len(history.reports_at(m)) for m in reported)
    if len(run) < thresholds.no_value_notes_meetings or reports < thresholds.no_value_notes_reports:
        return
    yield Finding(
        Signal.NO_VALUE_NOTES,
        f"since-meeting:{run[0].pk}",
        meetings=tuple(reported),
        facts={"times": len(run), "reports": reports},
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
    apologies_pattern,
    playing_safe,
    recurring_topic,
    same_airtime_order,
    no_value_notes,
]


def detect(history: SetHistory, thresholds: Thresholds) -> dict[Identity, Finding]:
    """Every finding in the set now, by identity."""
    findings: dict[Identity, Finding] = {}
    for signal in SIGNALS:
        for finding in signal(history, thresholds):
            findings[finding.identity] = finding
    return findings
