"""The programme's audit log as its admins read it: for each event, who acted, what they
did and to whom or what, in words that cannot be read the wrong way round.

An event stores its actor (an account, gone once erased), its action, a subject (an email
address, a set's or programme's name, or an erased account's number) and details. Which of
those the subject is follows from the action. These are pure functions of the events and
of the names of the people their subjects name, read once per page.
"""

from dataclasses import dataclass

from alsspace.models import AuditEvent

Action = AuditEvent.Action

PERSON, SET, PROGRAMME, ACCOUNT, ATTENDANCE = "person", "set", "programme", "account", "attendance"
# How the subject is introduced in its cell: an erased account's subject names itself.
TARGET_LABELS = {
    PERSON: "Person:",
    SET: "Set:",
    PROGRAMME: "Programme:",
    ACCOUNT: "",
    ATTENDANCE: "Attendance of",
}
TARGET_KINDS = {
    Action.INVITATION_SENT: PERSON,
    Action.INVITATION_RESENT: PERSON,
    Action.INVITATION_REVOKED: PERSON,
    Action.INVITATION_ACCEPTED: PERSON,
    Action.MEMBERSHIP_ADDED: PERSON,
    Action.MEMBERSHIP_ENDED: PERSON,
    Action.ROLE_CHANGED: PERSON,
    Action.PROGRAMME_ADMIN_ADDED: PERSON,
    Action.PROGRAMME_ADMIN_REMOVED: PERSON,
    Action.SIGN_IN_FAILED: PERSON,
    Action.MFA_CHANGED: PERSON,
    Action.DATA_EXPORTED: PERSON,
    Action.MEMBERS_IMPORTED: PROGRAMME,
    Action.CONTRACT_VERSION: SET,
    Action.CONTRACT_ACCEPTED: SET,
    Action.SET_CLOSED: SET,
    Action.SET_STATUS_CHANGED: SET,
    Action.CLOSING_REVIEW_OPENED: SET,
    Action.REFLECTION_SHARED: SET,
    Action.REFLECTION_UNSHARED: SET,
    Action.ACCOUNT_ERASED: ACCOUNT,
    Action.ATTENDANCE_EXPORTED: ATTENDANCE,
}

# What happened, said of the one who acted. Two read differently when people act on
# themselves: joining is not being added, and leaving is not being removed.
DOINGS = {
    Action.INVITATION_SENT: "Invited",
    Action.INVITATION_RESENT: "Sent the invitation again to",
    Action.INVITATION_REVOKED: "Revoked the invitation of",
    Action.INVITATION_ACCEPTED: "Accepted an invitation",
    Action.MEMBERS_IMPORTED: "Imported members into",
    Action.MEMBERSHIP_ADDED: "Added to a set",
    Action.MEMBERSHIP_ENDED: "Removed from a set",
    Action.ROLE_CHANGED: "Changed the role in a set of",
    Action.PROGRAMME_ADMIN_ADDED: "Made a programme admin",
    Action.PROGRAMME_ADMIN_REMOVED: "Removed as a programme admin",
    Action.CONTRACT_VERSION: "Wrote a new contract for",
    Action.CONTRACT_ACCEPTED: "Accepted the contract of",
    Action.SET_CLOSED: "Closed",
    Action.SET_STATUS_CHANGED: "Changed the status of",
    Action.CLOSING_REVIEW_OPENED: "Opened the closing review of",
    Action.SIGN_IN_FAILED: "Failed to sign in as",
    Action.MFA_CHANGED: "Changed the two-factor authentication of",
    Action.REFLECTION_SHARED: "Shared a journal entry with",
    Action.REFLECTION_UNSHARED: "Took a journal entry back from",
    Action.ACCOUNT_ERASED: "Erased their account",
    Action.DATA_EXPORTED: "Downloaded the personal data of",
    Action.ATTENDANCE_EXPORTED: "Exported the attendance",
}
OWN_DOINGS = {
    Action.MEMBERSHIP_ADDED: "Joined a set",
    Action.MEMBERSHIP_ENDED: "Left a set",
    Action.PROGRAMME_ADMIN_ADDED: "Made themselves a programme admin",
    Action.PROGRAMME_ADMIN_REMOVED: "Stepped down as a programme admin",
    Action.DATA_EXPORTED: "Downloaded their own data",
}
# The actions the filter offers, in the words of the log's rows.
FILTER_LABELS = {
    Action.MEMBERSHIP_ADDED: "Joined or added to a set",
    Action.MEMBERSHIP_ENDED: "Left or removed from a set",
}
ACTION_CHOICES = [(value, FILTER_LABELS.get(value, label)) for value, label in Action.choices]

DETAIL_LABELS = {
    "set": "Set",
    "sets": "Sets",
    "role": "Role",
    "old": "Role before",
    "new": "Role now",
    "version": "Contract version",
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
    kind = TARGET_KINDS.get(event.action, "")
    subject = event.subject
    themselves = (
        actor is not None
        and kind == PERSON
        and subject.casefold() == (actor.email or "").casefold()
    )
    doing = (OWN_DOINGS if themselves else DOINGS).get(event.action, event.get_action_display())
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
        if TARGET_KINDS.get(event.action) == PERSON and event.subject
    }
