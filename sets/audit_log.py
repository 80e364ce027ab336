"""The programme's audit log as its admins read it: for each event, who acted, what they
did and to whom or what, in words that cannot be read the wrong way round.

An event stores its actor (an account, gone once erased), its action, a subject (an email
address, a set's or programme's name, or an erased account's number) and details. Which of
those the subject is follows from the action. These are pure functions of the events and
of the names of the people their subjects name, read once per page.
"""

from dataclasses import dataclass

from alsspace import audit_actions
from alsspace.audit_actions import ACCOUNT, ATTENDANCE, PERSON, PROGRAMME, SET
from alsspace.models import AuditEvent

# How the subject is introduced in its cell: an erased account's subject names itself. What
# each act's subject is, and the words for it, come with the act from the app that registered
# it (alsspace/audit_actions.py).
TARGET_LABELS = {
    PERSON: "Person:",
    SET: "Set:",
    PROGRAMME: "Programme:",
    ACCOUNT: "",
    ATTENDANCE: "Attendance of",
}


DETAIL_LABELS = {
    "set": "Set",
    "sets": "Sets",
    "role": "Role",
    "old": "Role before",
    "new": "Role now",
    "version": "Contract version",
    "amendment": "Proposal",
    "meeting": "Meeting",
    "count": "People",
    "entry": "Journal entry",
    "format": "Format",
    "was": "Status before",
    "status": "Status",
    "rows": "Rows",
    "from": "From",
    "to": "To",
    "change": "Change",
    "kind": "Kind",
    "step": "Step",
    "token": "API token",
}
NO_ACTOR = "An erased account"


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str  # who acted: a name, or NO_ACTOR
    actor_email: str
    doing: str  # what they did
    target_label: str  # what the subject is: "Person:", "Set:", ...
    target: str  # the subject, with the person's name where known
    themselves: bool  # the one who acted is the person acted on
    details: tuple  # (label, value) pairs


DETAIL_ORDER = {key: index for index, key in enumerate(DETAIL_LABELS)}


def _detail_order(item):
    """Details in DETAIL_LABELS's order, others after them by name: the database may keep
    them in any order (PostgreSQL's jsonb sorts them its own way)."""
    return (DETAIL_ORDER.get(item[0], len(DETAIL_ORDER)), item[0])


def _detail_value(key, value):
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if key == "entry":
        return f"number {value}"
    return str(value)


def describe(event, names):
    """One event as a row of the log. `names` maps the email addresses subjects name to
    the people's names, where they still have an account."""
    actor = event.actor
    action = audit_actions.get(event.action)
    kind = action.subject if action is not None else ""
    subject = event.subject
    themselves = (
        actor is not None
        and kind == PERSON
        and subject.casefold() == (actor.email or "").casefold()
    )
    if action is None:
        doing = event.action
    else:
        doing = (themselves and action.own_doing) or action.doing or action.label
    target = subject
    if kind == PERSON and names.get(subject.casefold()):
        target = f"{names[subject.casefold()]} ({subject})"
    return AuditRow(
        event=event,
        actor=(actor.name or actor.email) if actor is not None else NO_ACTOR,
        actor_email=actor.email if actor is not None and actor.name else "",
        doing=doing,
        target_label=TARGET_LABELS.get(kind, ""),
        target=target,
        themselves=themselves,
        details=tuple(
            (DETAIL_LABELS.get(key, key.replace("_", " ").capitalize()), _detail_value(key, value))
            for key, value in sorted(event.detail.items(), key=_detail_order)
            if value not in ("", None)
        ),
    )


def people_named(events):
    """The email addresses the events' subjects name as people, casefolded."""
    return {
        event.subject.casefold()
        for event in events
        if _subject_kind(event.action) == PERSON and event.subject
    }


def _subject_kind(value):
    action = audit_actions.get(value)
    return action.subject if action is not None else ""
