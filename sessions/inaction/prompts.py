"""What a prompt says: one sentence on what the data shows, and one question the facilitator
might put to the set. The questions follow Vince on learning inaction: not "why haven't you?"
but what the set, or the person, may be avoiding."""

from collections.abc import Callable, Sequence

from django.utils.formats import date_format
from django.utils.text import Truncator

from alsspace.models import User
from sessions.inaction.detection import Finding
from sessions.inaction.history import SetHistory
from sessions.models import Action, InactionPrompt, Meeting

Signal = InactionPrompt.Signal
# (summary, suggested question)
Words = tuple[str, str]


def _member(finding: Finding) -> User:
    """The member a signal about one member is about."""
    assert finding.member is not None
    return finding.member


def _name(person: User) -> str:
    return person.name or person.email


def _first_name(person: User) -> str:
    return (person.name or person.email).split()[0]


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
    return (
        f"{_name(member)}’s action {_action(action)} has been carried forward at "
        f"{_plural(facts['times'], 'meeting')} in a row ({_dates(history, finding.meetings)}).",
        f"{_first_name(member)}, what are you avoiding by keeping this action open, and what "
        "would it take to do it, or to let it go?",
    )


def _unreported_action(finding: Finding, history: SetHistory) -> Words:
    member, (action,) = _member(finding), finding.actions
    return (
        f"{_name(member)} was at the meeting on {_date(history, finding.meetings[0])}, where "
        f"{_action(action)} was due, and gave no report-back on it.",
        f"{_first_name(member)}, what happened with this action, and what made it easier "
        "not to talk about it?",
    )


def _silent_member(finding: Finding, history: SetHistory) -> Words:
    member = _member(finding)
    return (
        f"{_name(member)} came to the last {_plural(finding.facts['times'], 'meeting')} "
        f"({_dates(history, finding.meetings)}) without taking any airtime.",
        f"{_first_name(member)}, what have you been carrying that you have not yet brought "
        "to the set?",
    )


def _airtime_imbalance(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return (
        f"{_name(_member(finding))} had {facts['share']}% of the set’s airtime over the last "
        f"{_plural(facts['count'], 'meeting')} ({_dates(history, finding.meetings)}).",
        "How is the set deciding whose problem gets its time, and whose voice is missing?",
    )


def _attendance_drift(finding: Finding, history: SetHistory) -> Words:
    member, facts = _member(finding), finding.facts
    parts = []
    if facts["drifting"]:
        missed = [m for m in finding.meetings if m not in facts["on_the_day"]]
        missed_text = f" ({_dates(history, missed)})" if missed else ""
        parts.append(
            f"{_name(member)} missed {facts['missed']} of the last "
            f"{_plural(facts['count'], 'meeting')}{missed_text}."
        )
    if facts["on_the_day"]:
        who = "Apologies" if parts else f"{_name(member)} sent apologies"
        verb = " came" if parts else ""
        parts.append(f"{who}{verb} on the day of {_dates(history, facts['on_the_day'])}.")
    return (
        " ".join(parts),
        f"{_first_name(member)}, what is the set worth to you at the moment, and what gets "
        "in the way of being here?",
    )


def _below_quorum(finding: Finding, history: SetHistory) -> Words:
    facts, date = finding.facts, _date(history, finding.meetings[0])
    expected = _plural(facts["expected"], "member")
    return (
        f"Only {expected} can be expected on {date}, below the set’s quorum of "
        f"{facts['quorum']} ({_plural(facts['apologies'], 'apology', 'apologies')} sent).",
        f"Should the set meet on {date}, move the meeting, or talk about what is keeping "
        "people away?",
    )


def _talk_without_action(finding: Finding, history: SetHistory) -> Words:
    member = _member(finding)
    return (
        f"{_name(member)} presented at {_plural(finding.facts['times'], 'meeting')} in a row "
        f"({_dates(history, finding.meetings)}) and committed to no action.",
        f"{_first_name(member)}, what would a first small step be, and what stops you from "
        "taking it?",
    )


def _pulse_dip(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    fell = (
        f"The set’s pulse fell from {facts['was']} to {facts['now']} (out of 7) between the "
        f"meetings on {_dates(history, finding.meetings)}"
    )
    if facts.get("reading") == "stretch":
        return (
            f"{fell}, while its challenge score was {facts['challenge']} out of 7: members "
            "felt stretched. This reads as stretch, the productive discomfort of being "
            "challenged, rather than a loss of safety.",
            "What is the stretch asking of the set, and what would help it stay with the "
            "discomfort rather than retreat from it?",
        )
    challenge = facts.get("challenge")
    low = f", and its challenge score was only {challenge} out of 7" if challenge else ""
    return (
        f"{fell}{low}.",
        "What has changed in how safe it feels to speak openly here?",
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
}


def describe(finding: Finding, history: SetHistory) -> Words:
    """(summary, suggested question) for a finding."""
    return WRITERS[finding.signal](finding, history)
