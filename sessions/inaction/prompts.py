"""What a prompt says: one sentence on what the data shows, and one question the facilitator
might put to the set. The questions follow Vince on learning inaction: not "why haven't you?"
but what the set may be avoiding together. Where a signal is about one member, a question to
that person is offered beside it (`to_person`): never instead of the set's, and never opening
with their name, so that the facilitator chooses whether to single anyone out
(docs/signals.md#the-questions)."""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.utils.formats import date_format
from django.utils.text import Truncator

from alsspace.models import User
from sessions.inaction.detection import Finding
from sessions.inaction.history import SetHistory
from sessions.models import Action, InactionPrompt, Meeting

Signal = InactionPrompt.Signal


class Words(NamedTuple):
    summary: str  # what the data shows
    question: str  # the suggested question, to the set
    to_person: str = ""  # the question to the one member it is about, offered as well


def _member(finding: Finding) -> User:
    """The member a signal about one member is about."""
    assert finding.member is not None
    return finding.member


def _name(person: User) -> str:
    return person.name or person.email


def _date(history: SetHistory, meeting: Meeting) -> str:
    return date_format(meeting.starts_at.astimezone(history.zone), "j F Y")


def _dates(history: SetHistory, meetings: Sequence[Meeting]) -> str:
    dates = [_date(history, meeting) for meeting in meetings]
    return dates[0] if len(dates) == 1 else f"{', '.join(dates[:-1])} and {dates[-1]}"


def _action(action: Action) -> str:
    return f"“{Truncator(' '.join(action.text.split())).chars(90)}”"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _carried_action(finding: Finding, history: SetHistory) -> Words:
    member, (action,), facts = _member(finding), finding.actions, finding.facts
    return Words(
        f"{_name(member)}’s action {_action(action)} has been carried forward at "
        f"{_plural(facts['times'], 'meeting')} in a row ({_dates(history, finding.meetings)}).",
        "What might we be avoiding together when an action stays open, and what would it take "
        "to do it, or to let it go?",
        "What are you avoiding by keeping this action open, and what would it take to do it, "
        "or to let it go?",
    )


def _unreported_action(finding: Finding, history: SetHistory) -> Words:
    member, (action,) = _member(finding), finding.actions
    return Words(
        f"{_name(member)} was at the meeting on {_date(history, finding.meetings[0])}, where "
        f"{_action(action)} was due, and gave no report-back on it.",
        "What makes it easier for us not to talk about an action that was due?",
        "What happened with this action, and what made it easier not to talk about it?",
    )


def _silent_member(finding: Finding, history: SetHistory) -> Words:
    member = _member(finding)
    return Words(
        f"{_name(member)} came to the last {_plural(finding.facts['times'], 'meeting')} "
        f"({_dates(history, finding.meetings)}) without taking any airtime.",
        "What might we be carrying that we have not yet brought to the set, and how do we "
        "decide whose problems we hear?",
        "What have you been carrying that you have not yet brought to the set?",
    )


def _airtime_imbalance(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        f"{_name(_member(finding))} had {facts['share']}% of the set’s airtime over the last "
        f"{_plural(facts['count'], 'meeting')} ({_dates(history, finding.meetings)}).",
        "How is the set deciding whose problem gets its time, and whose voice is missing?",
        "What would it be like to give some of your time to someone else’s problem?",
    )


def _attendance_drift(finding: Finding, history: SetHistory) -> Words:
    member, facts = _member(finding), finding.facts
    parts = []
    if facts["drifting"]:
        missed = [m for m in finding.meetings if m not in facts["on_the_day"]]
        missed_text = f" ({_dates(history, missed)})" if missed else ""
        parts.append(
            f"{_name(member)} missed {facts['missed']} of the last "
            f"{_plural(facts['count'], 'meeting')}{missed_text}, absent or with apologies on "
            "the day."
        )
    if facts["on_the_day"]:
        who = "Apologies" if parts else f"{_name(member)} sent apologies"
        verb = " came" if parts else ""
        parts.append(f"{who}{verb} on the day of {_dates(history, facts['on_the_day'])}.")
    return Words(
        " ".join(parts),
        "What is the set worth to each of us at the moment, and what gets in the way of "
        "being here?",
        "What is the set worth to you at the moment, and what gets in the way of being here?",
    )


def _below_quorum(finding: Finding, history: SetHistory) -> Words:
    facts, date = finding.facts, _date(history, finding.meetings[0])
    expected = _plural(facts["expected"], "member")
    return Words(
        f"Only {expected} can be expected on {date}, below the set’s quorum of "
        f"{facts['quorum']} ({_plural(facts['apologies'], 'apology', 'apologies')} sent).",
        f"Should the set meet on {date}, move the meeting, or talk about what is keeping "
        "people away?",
    )


def _talk_without_action(finding: Finding, history: SetHistory) -> Words:
    member = _member(finding)
    return Words(
        f"{_name(member)} presented at {_plural(finding.facts['times'], 'meeting')} in a row "
        f"({_dates(history, finding.meetings)}) and committed to no action.",
        "What might we be avoiding together when a problem is talked through and no step follows?",
        "What would a first small step be, and what stops you from taking it?",
    )


def _pulse_dip(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    fell = (
        f"The set’s pulse fell from {facts['was']} to {facts['now']} (out of 7) between the "
        f"meetings on {_dates(history, finding.meetings)}"
    )
    if facts.get("reading") == "stretch":
        return Words(
            f"{fell}, while its challenge score was {facts['challenge']} out of 7: members "
            "felt stretched. This reads as stretch, the productive discomfort of being "
            "challenged, rather than a loss of safety.",
            "What is the stretch asking of the set, and what would help it stay with the "
            "discomfort rather than retreat from it?",
        )
    challenge = facts.get("challenge")
    low = f", and its challenge score was only {challenge} out of 7" if challenge else ""
    return Words(
        f"{fell}{low}.",
        "What has changed in how safe it feels to speak openly here?",
    )


def _apologies_pattern(finding: Finding, history: SetHistory) -> Words:
    member, facts = _member(finding), finding.facts
    return Words(
        f"{_name(member)} sent apologies ahead of time for {facts['sent']} of the last "
        f"{_plural(facts['count'], 'meeting')} ({_dates(history, finding.meetings)}). Life "
        "happens, and they let the set know.",
        "Are our meeting times still right for all of us, and is there anything we would change?",
        "Is the timing of the set still right for you, and is there anything we could change?",
    )


def _playing_safe(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    pulse = (
        f"{facts['low']}"
        if facts["low"] == facts["high"]
        else f"between {facts['low']} and {facts['high']}"
    )
    return Words(
        f"At the last {_plural(facts['times'], 'meeting')} ({_dates(history, finding.meetings)}) "
        f"every one of {_plural(facts['reports'], 'report-back')} was done, none carried, "
        f"partly done or dropped, and the pulse stayed at {pulse} out of 7.",
        "Is the set playing safe? What might we be avoiding together, and are we choosing "
        "only the actions we already know we can do?",
    )


def _recurring_topic(finding: Finding, history: SetHistory) -> Words:
    member, facts = finding.facts["presenter"], finding.facts
    topic = Truncator(" ".join(facts["topic"].split())).chars(60)
    return Words(
        f"{_name(member)} brought the same topic (latest: “{topic}”) to "
        f"{_plural(facts['times'], 'meeting')} ({_dates(history, finding.meetings)}) and "
        "committed to no action at any of them.",
        "What keeps bringing us back to this, and what might we be avoiding together by "
        "talking rather than acting?",
        "What would it take to move from talking about this to a first step?",
    )


def _same_airtime_order(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        f"The same {facts['presenters']} members took airtime in the same order at the last "
        f"{_plural(facts['times'], 'meeting')} ({_dates(history, finding.meetings)}).",
        "What does our usual order protect us from, and what might change if we broke it?",
    )


def _no_value_notes(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        f"None of the {_plural(facts['reports'], 'report-back')} at the last "
        f"{_plural(facts['times'], 'meeting')} ({_dates(history, finding.meetings)}) carried "
        "a note of what was learned or what difference it made.",
        "What difference are our actions making, and for whom?",
    )


WRITERS: dict[str, Callable[[Finding, SetHistory], Words]] = {
    Signal.CARRIED_ACTION: _carried_action,
    Signal.UNREPORTED_ACTION: _unreported_action,
    Signal.SILENT_MEMBER: _silent_member,
    Signal.AIRTIME_IMBALANCE: _airtime_imbalance,
    Signal.ATTENDANCE_DRIFT: _attendance_drift,
    Signal.BELOW_QUORUM: _below_quorum,
    Signal.TALK_WITHOUT_ACTION: _talk_without_action,
    Signal.PULSE_DIP: _pulse_dip,
    Signal.APOLOGIES_PATTERN: _apologies_pattern,
    Signal.PLAYING_SAFE: _playing_safe,
    Signal.RECURRING_TOPIC: _recurring_topic,
    Signal.SAME_AIRTIME_ORDER: _same_airtime_order,
    Signal.NO_VALUE_NOTES: _no_value_notes,
}


def describe(finding: Finding, history: SetHistory) -> Words:
    """What a finding's prompt says, and the questions it suggests."""
    return WRITERS[finding.signal](finding, history)
