"""The programme's audit log as its admins read it: for each event, who acted, what they
did and to whom or what, in words that cannot be read the wrong way round.

An event stores its actor (an account, gone once erased), its action, a subject (an email
address, a set's or programme's name, or an erased account's number) and details. Which of
those the subject is follows from the action. These are pure functions of the events and
of the names of the people their subjects name, read once per page.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from alsspace import audit_actions
from alsspace.audit_actions import ACCOUNT, ATTENDANCE, PERSON, PROGRAMME, SET
from alsspace.models import AuditEvent

# How the subject is introduced in its cell: an erased account's subject names itself. What
# each act's subject is, and the words for it, come with the act from the app that registered
# it (alsspace/audit_actions.py).
TARGET_LABELS = {
    PERSON: gettext_lazy("Person:"),
    SET: gettext_lazy("Set:"),
    PROGRAMME: gettext_lazy("Programme:"),
    ACCOUNT: "",
    ATTENDANCE: gettext_lazy("Attendance of"),
}


DETAIL_LABELS = {
    "set": gettext_lazy("Set"),
    "sets": gettext_lazy("Sets"),
    "role": gettext_lazy("Role"),
    "old": gettext_lazy("Role before"),
    "new": gettext_lazy("Role now"),
    "version": gettext_lazy("Contract version"),
    "amendment": gettext_lazy("Proposal"),
    "meeting": gettext_lazy("Meeting"),
    "count": gettext_lazy("People"),
    "entry": gettext_lazy("Journal entry"),
    "format": pgettext_lazy("audit detail: file format", "Format"),
    "was": gettext_lazy("Status before"),
    "status": gettext_lazy("Status"),
    "rows": gettext_lazy("Rows"),
    "from": pgettext_lazy("audit detail: what it was before", "From"),
    "to": pgettext_lazy("audit detail: what it became", "To"),
    "change": pgettext_lazy("audit detail: kind of change", "Change"),
    "kind": pgettext_lazy("audit detail", "Kind"),
    "step": pgettext_lazy("audit detail", "Step"),
    "token": gettext_lazy("API token"),
}
NO_ACTOR = gettext_lazy("An erased account")


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
        return _("number %(number)s") % {"number": value}
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
        target = _("%(name)s (%(email)s)") % {"name": names[subject.casefold()], "email": subject}
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
