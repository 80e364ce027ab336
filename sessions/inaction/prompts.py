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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    if len(dates) == 1:
        return dates[0]
    # Translators: the end of a list of dates, as in "1 May, 8 May and 15 May".
    return _("%(list)s and %(last)s") % {"list": ", ".join(dates[:-1]), "last": dates[-1]}


def _action(action: Action) -> str:
    return f"“{Truncator(' '.join(action.text.split())).chars(90)}”"


def _report_backs(count: int) -> str:
    return ngettext("%(n)d report-back", "%(n)d report-backs", count) % {"n": count}


def _carried_action(finding: Finding, history: SetHistory) -> Words:
    member, (action,), facts = _member(finding), finding.actions, finding.facts
    return Words(
        ngettext(
            "%(name)s’s action %(action)s has been carried forward at %(n)d meeting in a row "
            "(%(dates)s).",
            "%(name)s’s action %(action)s has been carried forward at %(n)d meetings in a row "
            "(%(dates)s).",
            facts["times"],
        )
        % {
            "name": _name(member),
            "action": _action(action),
            "n": facts["times"],
            "dates": _dates(history, finding.meetings),
        },
        _(
            "What might we be avoiding together when an action stays open, and what would it "
            "take to do it, or to let it go?"
        ),
        _(
            "What are you avoiding by keeping this action open, and what would it take to do "
            "it, or to let it go?"
        ),
    )


def _unreported_action(finding: Finding, history: SetHistory) -> Words:
    member, (action,) = _member(finding), finding.actions
    return Words(
        _(
            "%(name)s was at the meeting on %(date)s, where %(action)s was due, and gave no "
            "report-back on it."
        )
        % {
            "name": _name(member),
            "date": _date(history, finding.meetings[0]),
            "action": _action(action),
        },
        _("What makes it easier for us not to talk about an action that was due?"),
        _("What happened with this action, and what made it easier not to talk about it?"),
    )


def _silent_member(finding: Finding, history: SetHistory) -> Words:
    member, times = _member(finding), finding.facts["times"]
    return Words(
        ngettext(
            "%(name)s came to the last %(n)d meeting (%(dates)s) without taking any airtime.",
            "%(name)s came to the last %(n)d meetings (%(dates)s) without taking any airtime.",
            times,
        )
        % {"name": _name(member), "n": times, "dates": _dates(history, finding.meetings)},
        _(
            "What might we be carrying that we have not yet brought to the set, and how do we "
            "decide whose problems we hear?"
        ),
        _("What have you been carrying that you have not yet brought to the set?"),
    )


def _airtime_imbalance(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        ngettext(
            "%(name)s had %(share)s%% of the set’s airtime over the last %(n)d meeting "
            "(%(dates)s).",
            "%(name)s had %(share)s%% of the set’s airtime over the last %(n)d meetings "
            "(%(dates)s).",
            facts["count"],
        )
        % {
            "name": _name(_member(finding)),
            "share": facts["share"],
            "n": facts["count"],
            "dates": _dates(history, finding.meetings),
        },
        _("How is the set deciding whose problem gets its time, and whose voice is missing?"),
        _("What would it be like to give some of your time to someone else’s problem?"),
    )


def _attendance_drift(finding: Finding, history: SetHistory) -> Words:
    member, facts = _member(finding), finding.facts
    parts = []
    if facts["drifting"]:
        missed = [m for m in finding.meetings if m not in facts["on_the_day"]]
        values = {
            "name": _name(member),
            "missed": facts["missed"],
            "n": facts["count"],
            "dates": _dates(history, missed) if missed else "",
        }
        if missed:
            text = ngettext(
                "%(name)s missed %(missed)s of the last %(n)d meeting (%(dates)s), absent or "
                "with apologies on the day.",
                "%(name)s missed %(missed)s of the last %(n)d meetings (%(dates)s), absent or "
                "with apologies on the day.",
                facts["count"],
            )
        else:
            text = ngettext(
                "%(name)s missed %(missed)s of the last %(n)d meeting, absent or with apologies "
                "on the day.",
                "%(name)s missed %(missed)s of the last %(n)d meetings, absent or with apologies "
                "on the day.",
                facts["count"],
            )
        parts.append(text % values)
    if facts["on_the_day"]:
        dates = _dates(history, facts["on_the_day"])
        if parts:
            parts.append(_("Apologies came on the day of %(dates)s.") % {"dates": dates})
        else:
            parts.append(
                _("%(name)s sent apologies on the day of %(dates)s.")
                % {"name": _name(member), "dates": dates}
            )
    return Words(
        " ".join(parts),
        _(
            "What is the set worth to each of us at the moment, and what gets in the way of "
            "being here?"
        ),
        _("What is the set worth to you at the moment, and what gets in the way of being here?"),
    )


def _below_quorum(finding: Finding, history: SetHistory) -> Words:
    facts, date = finding.facts, _date(history, finding.meetings[0])
    apologies = ngettext("%(n)d apology sent", "%(n)d apologies sent", facts["apologies"]) % {
        "n": facts["apologies"]
    }
    return Words(
        ngettext(
            "Only %(n)d member can be expected on %(date)s, below the set’s quorum of "
            "%(quorum)s (%(apologies)s).",
            "Only %(n)d members can be expected on %(date)s, below the set’s quorum of "
            "%(quorum)s (%(apologies)s).",
            facts["expected"],
        )
        % {
            "n": facts["expected"],
            "date": date,
            "quorum": facts["quorum"],
            "apologies": apologies,
        },
        _(
            "Should the set meet on %(date)s, move the meeting, or talk about what is keeping "
            "people away?"
        )
        % {"date": date},
    )


def _talk_without_action(finding: Finding, history: SetHistory) -> Words:
    member, times = _member(finding), finding.facts["times"]
    return Words(
        ngettext(
            "%(name)s presented at %(n)d meeting in a row (%(dates)s) and committed to no action.",
            "%(name)s presented at %(n)d meetings in a row (%(dates)s) and committed to no action.",
            times,
        )
        % {"name": _name(member), "n": times, "dates": _dates(history, finding.meetings)},
        _(
            "What might we be avoiding together when a problem is talked through and no step "
            "follows?"
        ),
        _("What would a first small step be, and what stops you from taking it?"),
    )


def _pulse_dip(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    values = {
        "was": facts["was"],
        "now": facts["now"],
        "dates": _dates(history, finding.meetings),
        "challenge": facts.get("challenge"),
    }
    if facts.get("reading") == "stretch":
        return Words(
            _(
                "The set’s pulse fell from %(was)s to %(now)s (out of 7) between the meetings "
                "on %(dates)s, while its challenge score was %(challenge)s out of 7: members "
                "felt stretched. This reads as stretch, the productive discomfort of being "
                "challenged, rather than a loss of safety."
            )
            % values,
            _(
                "What is the stretch asking of the set, and what would help it stay with the "
                "discomfort rather than retreat from it?"
            ),
        )
    if facts.get("challenge"):
        summary = _(
            "The set’s pulse fell from %(was)s to %(now)s (out of 7) between the meetings on "
            "%(dates)s, and its challenge score was only %(challenge)s out of 7."
        )
    else:
        summary = _(
            "The set’s pulse fell from %(was)s to %(now)s (out of 7) between the meetings on "
            "%(dates)s."
        )
    return Words(
        summary % values,
        _("What has changed in how safe it feels to speak openly here?"),
    )


def _apologies_pattern(finding: Finding, history: SetHistory) -> Words:
    member, facts = _member(finding), finding.facts
    return Words(
        ngettext(
            "%(name)s sent apologies ahead of time for %(sent)s of the last %(n)d meeting "
            "(%(dates)s). Life happens, and they let the set know.",
            "%(name)s sent apologies ahead of time for %(sent)s of the last %(n)d meetings "
            "(%(dates)s). Life happens, and they let the set know.",
            facts["count"],
        )
        % {
            "name": _name(member),
            "sent": facts["sent"],
            "n": facts["count"],
            "dates": _dates(history, finding.meetings),
        },
        _(
            "Are our meeting times still right for all of us, and is there anything we would "
            "change?"
        ),
        _("Is the timing of the set still right for you, and is there anything we could change?"),
    )


def _playing_safe(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    pulse = (
        f"{facts['low']}"
        if facts["low"] == facts["high"]
        else _("between %(low)s and %(high)s") % {"low": facts["low"], "high": facts["high"]}
    )
    return Words(
        ngettext(
            "At the last %(n)d meeting (%(dates)s) every one of %(reports)s was done, none "
            "carried, partly done or dropped, and the pulse stayed at %(pulse)s out of 7.",
            "At the last %(n)d meetings (%(dates)s) every one of %(reports)s was done, none "
            "carried, partly done or dropped, and the pulse stayed at %(pulse)s out of 7.",
            facts["times"],
        )
        % {
            "n": facts["times"],
            "dates": _dates(history, finding.meetings),
            "reports": _report_backs(facts["reports"]),
            "pulse": pulse,
        },
        _(
            "Is the set playing safe? What might we be avoiding together, and are we choosing "
            "only the actions we already know we can do?"
        ),
    )


def _recurring_topic(finding: Finding, history: SetHistory) -> Words:
    member, facts = finding.facts["presenter"], finding.facts
    topic = Truncator(" ".join(facts["topic"].split())).chars(60)
    return Words(
        ngettext(
            "%(name)s brought the same topic (latest: “%(topic)s”) to %(n)d meeting "
            "(%(dates)s) and committed to no action at any of them.",
            "%(name)s brought the same topic (latest: “%(topic)s”) to %(n)d meetings "
            "(%(dates)s) and committed to no action at any of them.",
            facts["times"],
        )
        % {
            "name": _name(member),
            "topic": topic,
            "n": facts["times"],
            "dates": _dates(history, finding.meetings),
        },
        _(
            "What keeps bringing us back to this, and what might we be avoiding together by "
            "talking rather than acting?"
        ),
        _("What would it take to move from talking about this to a first step?"),
    )


def _same_airtime_order(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        ngettext(
            "The same %(presenters)s members took airtime in the same order at the last "
            "%(n)d meeting (%(dates)s).",
            "The same %(presenters)s members took airtime in the same order at the last "
            "%(n)d meetings (%(dates)s).",
            facts["times"],
        )
        % {
            "presenters": facts["presenters"],
            "n": facts["times"],
            "dates": _dates(history, finding.meetings),
        },
        _("What does our usual order protect us from, and what might change if we broke it?"),
    )


def _no_value_notes(finding: Finding, history: SetHistory) -> Words:
    facts = finding.facts
    return Words(
        ngettext(
            "None of the %(reports)s at the last %(n)d meeting (%(dates)s) carried a note of "
            "what was learned or what difference it made.",
            "None of the %(reports)s at the last %(n)d meetings (%(dates)s) carried a note of "
            "what was learned or what difference it made.",
            facts["times"],
        )
        % {
            "reports": _report_backs(facts["reports"]),
            "n": facts["times"],
            "dates": _dates(history, finding.meetings),
        },
        _("What difference are our actions making, and for whom?"),
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
