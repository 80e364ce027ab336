"""Who may do what with meetings: the set's standing (sets.rules) applied to its meetings."""

import rules

from sets.rules import standing


def _standing(user, meeting):
    return standing(user, meeting.learning_set if meeting is not None else None)


def _open(meeting):
    return meeting is not None and not meeting.learning_set.is_closed


@rules.predicate
def can_view_schedule(user, meeting):
    s = _standing(user, meeting)
    return s.participant or s.programme_admin


@rules.predicate
def can_schedule(user, meeting):
    """Facilitators and the programme's admins schedule, move and cancel meetings."""
    s = _standing(user, meeting)
    return _open(meeting) and (s.facilitator or s.programme_admin)


@rules.predicate
def can_run_meeting(user, meeting):
    """Attendance, airtime, actions and report-backs: the set's facilitators."""
    return _open(meeting) and _standing(user, meeting).facilitator


@rules.predicate
def can_view_meeting_content(user, meeting):
    """Topics, airtime, actions and report-backs: never programme admins."""
    s = _standing(user, meeting)
    return s.facilitator or (s.member and s.accepted_contract)


@rules.predicate
def can_send_apologies(user, meeting):
    return (
        _open(meeting)
        and meeting.status == "scheduled"
        and _standing(user, meeting).member
    )
