"""Who may do what with meetings: the set's standing (sets.rules) applied to its meetings."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

import rules
from django.utils import timezone

from sets.rules import Standing, standing

if TYPE_CHECKING:
    from sessions.models import Action, InactionPrompt, Meeting
    from sets.rules import Person


def _standing(user: Person, meeting: Meeting | None) -> Standing:
    return standing(user, meeting.learning_set if meeting is not None else None)


def _open(meeting: Meeting | None) -> TypeGuard[Meeting]:
    return meeting is not None and not meeting.learning_set.is_closed


@rules.predicate
def can_view_schedule(user: Person, meeting: Meeting | None) -> bool:
    s = _standing(user, meeting)
    return s.participant or s.programme_admin


@rules.predicate
def can_schedule(user: Person, meeting: Meeting | None) -> bool:
    """Facilitators and the programme's admins schedule, move and cancel meetings."""
    s = _standing(user, meeting)
    return _open(meeting) and (s.facilitator or s.programme_admin)


@rules.predicate
def can_run_meeting(user: Person, meeting: Meeting | None) -> bool:
    """Attendance, airtime, actions and report-backs: the set's facilitators."""
    return _open(meeting) and _standing(user, meeting).facilitator


@rules.predicate
def can_view_meeting_content(user: Person, meeting: Meeting | None) -> bool:
    """Topics, airtime, actions and report-backs: never programme admins."""
    s = _standing(user, meeting)
    return s.facilitator or (s.member and s.accepted_contract)


@rules.predicate
def can_send_apologies(user: Person, meeting: Meeting | None) -> bool:
    return _open(meeting) and meeting.status == "scheduled" and _standing(user, meeting).member


@rules.predicate
def can_view_attendance(user: Person, meeting: Meeting | None) -> bool:
    """Everyone's attendance: facilitators, members under the contract, and the programme's
    admins (for certification). A member not yet under the contract sees only their own row."""
    s = _standing(user, meeting)
    return s.facilitator or (s.member and s.accepted_contract) or s.programme_admin


@rules.predicate
def can_report_on_action(user: Person, action: Action | None) -> bool:
    """An action's owner writes their own report-back while they are a member of the open
    set under its current contract."""
    if action is None or action.owner_id != user.pk:
        return False
    s = standing(user, action.learning_set)
    return s.member and s.accepted_contract and not action.learning_set.is_closed


# Action is a plain model (not a RulesModel), so its one permission is registered here.
rules.add_perm("meetings.report_action", can_report_on_action)


# The anonymous pulse and the facilitator's inaction prompts


@rules.predicate
def can_answer_pulse(user: Person, meeting: Meeting | None) -> bool:
    """Members under the contract answer their set's pulse. Whether they were present, the
    window and whether they have answered already are checked when they answer."""
    s = _standing(user, meeting)
    return _open(meeting) and s.member and s.accepted_contract


@rules.predicate
def can_view_pulse_results(user: Person, meeting: Meeting | None) -> bool:
    """The set's facilitators and members under the contract, never the programme's admins.
    Below the response threshold the page says so and shows nothing else."""
    s = _standing(user, meeting)
    return s.facilitator or (s.member and s.accepted_contract)


@rules.predicate
def can_view_prompt(user: Person, prompt: InactionPrompt | None) -> bool:
    """Inaction prompts and facilitator notes: the set's facilitators only."""
    return prompt is not None and standing(user, prompt.learning_set).facilitator


@rules.predicate
def can_act_on_prompt(user: Person, prompt: InactionPrompt | None) -> bool:
    return (
        prompt is not None and can_view_prompt(user, prompt) and not prompt.learning_set.is_closed
    )


# Meeting's own permissions are declared on the model; these two read best beside the pulse.
rules.add_perm("meetings.answer_pulse_meeting", can_answer_pulse)
rules.add_perm("meetings.view_pulse_meeting", can_view_pulse_results)


# The process review the set owns


def _started(meeting: Meeting) -> bool:
    """Under way or over, and not cancelled: a meeting the set can look back on."""
    return meeting.status != "cancelled" and meeting.starts_at <= timezone.now()


@rules.predicate
def can_contribute_to_review(user: Person, meeting: Meeting | None) -> bool:
    """Once a meeting has started, its facilitators and the members under the contract add
    to its process review, while the set is open."""
    return _open(meeting) and _started(meeting) and can_view_meeting_content(user, meeting)


# Read with the meeting's content (meetings.view_content_meeting); written here.
rules.add_perm("meetings.contribute_review_meeting", can_contribute_to_review)
