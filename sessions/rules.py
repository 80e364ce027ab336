"""Who may do what with meetings: the set's standing (sets.rules) applied to its meetings,
and the set-level permissions about meetings (scheduling, the dashboard, attendance reports),
which are declared here because the sets app does not know that meetings exist.

Every rule is composed from the named predicates of sets.rules, asked of the set a meeting,
an action or a prompt belongs to (`of_meeting`, `of_its_set`), and the one fact about a
meeting below."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.utils import timezone
from rules.predicates import Predicate

from sets.rules import (
    can_view_set,
    can_view_set_content,
    is_active_member,
    is_current_participant,
    is_member_under_contract,
    is_open_set,
    is_programme_admin,
    is_set_facilitator,
    is_set_lead,
    is_set_programme_admin,
)

if TYPE_CHECKING:
    from sessions.models import (
        Action,
        AirtimeSlot,
        InactionPrompt,
        Meeting,
        ReportBack,
        ValueStory,
    )
    from sets.models import ClosingReviewEntry, LearningSet
    from sets.rules import Person


def _set_of(thing: Meeting | Action | InactionPrompt | ValueStory | None) -> LearningSet | None:
    return thing.learning_set if thing is not None else None


def of_its_set(set_predicate: Predicate) -> Predicate:
    """A predicate on a set, asked of the set a meeting, an action, a prompt or a value story
    belongs to (false, as every set predicate is, when there is none)."""

    def on_its_set(
        user: Person, thing: Meeting | Action | InactionPrompt | ValueStory | None
    ) -> bool:
        return bool(set_predicate(user, _set_of(thing)))

    return Predicate(on_its_set, name=f"of_its_set({set_predicate.name})")


# Asked of a meeting: the same predicate, named for what it is asked of.
of_meeting = of_its_set

is_meeting_in_open_set = of_meeting(is_open_set)


@rules.predicate
def is_scheduled_meeting(user: Person, meeting: Meeting | None) -> bool:
    return meeting is not None and meeting.status == "scheduled"


# Set-level permissions about meetings

# Facilitators and the programme's admins schedule, move and cancel the set's meetings.
can_schedule_meetings = is_set_lead

# Attendance rates and exports: the set's facilitators and the programme's admins.
can_view_attendance_report = is_set_lead

# Inaction prompts, facilitator notes and the pulse trend: the set's facilitators only, never
# its members or the programme's admins (docs/confidentiality.md#who-sees-what).
can_view_dashboard = is_set_facilitator

# A meeting's video link is the set's way in: it is shown (on the meeting page and the
# schedule, in calendar files) to the set's current facilitators and members only, never to
# the programme's admins, who schedule meetings but do not join them
# (docs/product.md#meetings-online).
can_join_online = is_current_participant

rules.add_perm("meetings.schedule_learningset", can_schedule_meetings & is_open_set)
rules.add_perm("meetings.join_online_learningset", can_join_online)
rules.add_perm("meetings.join_online_meeting", of_meeting(can_join_online))
rules.add_perm("meetings.view_dashboard_learningset", can_view_dashboard)
rules.add_perm("meetings.view_attendance_report_learningset", can_view_attendance_report)

# The evaluation report, figures held back below a minimum group and never a word said: the
# programme's admins only, who hand it to the sponsoring organisation
# (docs/confidentiality.md#who-sees-what).
can_view_evaluation = is_programme_admin

rules.add_perm("meetings.view_evaluation_programme", can_view_evaluation)


# Meetings

# The schedule: whoever may see the set.
can_view_schedule = of_meeting(can_view_set)

# Facilitators and the programme's admins schedule, move and cancel meetings.
can_schedule = is_meeting_in_open_set & of_meeting(can_schedule_meetings)

# Attendance, airtime, actions and report-backs: the set's facilitators.
can_run_meeting = is_meeting_in_open_set & of_meeting(is_set_facilitator)

# Topics, airtime, actions and report-backs: never programme admins.
can_view_meeting_content = of_meeting(can_view_set_content)

can_send_apologies = is_meeting_in_open_set & is_scheduled_meeting & of_meeting(is_active_member)

# A member under the contract brings a bid for airtime at a scheduled meeting of their open
# set; whether the meeting is still to start is checked when they bid (a clear refusal, not a
# forbidden page).
can_bid = is_meeting_in_open_set & is_scheduled_meeting & of_meeting(is_member_under_contract)

# Everyone's attendance: facilitators, members under the contract, and the programme's admins
# (for certification). A member not yet under the contract sees only their own row.
can_view_attendance = of_meeting(can_view_set_content | is_set_programme_admin)


@rules.predicate
def is_action_owner(user: Person, action: Action | None) -> bool:
    return action is not None and action.owner_id == user.pk


# An action's owner writes their own report-back while they are a member of the open set
# under its current contract.
can_report_on_action = is_action_owner & of_its_set(is_member_under_contract & is_open_set)


# Action is a plain model (not a RulesModel), so its one permission is registered here.
rules.add_perm("meetings.report_action", can_report_on_action)


# The anonymous pulse and the facilitator's inaction prompts

# Members under the contract answer their set's pulse. Whether they were present, the window
# and whether they have answered already are checked when they answer.
can_answer_pulse = is_meeting_in_open_set & of_meeting(is_member_under_contract)

# The set's facilitators and members under the contract, never the programme's admins. Below
# the response threshold the page says so and shows nothing else.
can_view_pulse_results = can_view_meeting_content


# Inaction prompts and facilitator notes: the set's facilitators only.
can_view_prompt = of_its_set(can_view_dashboard)

can_act_on_prompt = can_view_prompt & of_its_set(is_open_set)

# A programme's pulse statements, and whether it asks about challenge: its admins, who never
# see a set's results (docs/product.md#pulse).
can_configure_pulse = is_programme_admin

# Meeting's own permissions are declared on the model; these two read best beside the pulse.
rules.add_perm("meetings.answer_pulse_meeting", can_answer_pulse)
rules.add_perm("meetings.view_pulse_meeting", can_view_pulse_results)
rules.add_perm("meetings.configure_pulse_programme", can_configure_pulse)


# The process review the set owns


@rules.predicate
def is_meeting_under_way_or_held(user: Person, meeting: Meeting | None) -> bool:
    """Started and not cancelled: a meeting the set can look back on."""
    return (
        meeting is not None
        and meeting.status != "cancelled"
        and meeting.starts_at <= timezone.now()
    )


# Once a meeting has started, its facilitators and members under the contract add to its
# process review (and read it, with the meeting's content), while the set is open.
can_contribute_to_review = (
    is_meeting_in_open_set & is_meeting_under_way_or_held & can_view_meeting_content
)

rules.add_perm("meetings.contribute_review_meeting", can_contribute_to_review)


# Value stories (docs/product.md#value-stories): their author's alone to write and to share.


@rules.predicate
def owns_the_report_back(user: Person, report_back: ReportBack | None) -> bool:
    return report_back is not None and report_back.action.owner_id == user.pk


@rules.predicate
def wrote_the_closing_entry(user: Person, entry: ClosingReviewEntry | None) -> bool:
    return entry is not None and entry.author_id == user.pk


@rules.predicate
def is_story_author(user: Person, story: ValueStory | None) -> bool:
    return story is not None and story.author_id == user.pk


def _set_of_report_back(user: Person, report_back: ReportBack | None) -> bool:
    return report_back is not None and bool(
        (is_member_under_contract & is_open_set)(user, report_back.action.learning_set)
    )


def _set_of_entry(user: Person, entry: ClosingReviewEntry | None) -> bool:
    return entry is not None and bool(
        (can_view_set_content & is_open_set)(user, entry.review.learning_set)
    )


# The action's owner tells the story of their own report-back, as they write the report-back
# itself: a member of the open set under its current contract.
can_tell_report_back_story = owns_the_report_back & Predicate(
    _set_of_report_back, name="in_the_open_set_under_contract"
)

# The entry's author tells the story of their own closing review words, while they may write
# them: the set is open and its content theirs to read.
can_tell_closing_story = wrote_the_closing_entry & Predicate(
    _set_of_entry, name="may_write_the_closing_review"
)

# The story's text is changed where it was told, while the author could tell it there.
can_change_story = is_story_author & of_its_set(can_view_set_content & is_open_set)

# Sharing beyond the set is the author's choice, given, changed and taken back at any time,
# also once they have left the set or it has closed.
can_share_story = is_story_author

# Deleting a story is its author's at any time too: it is what they wrote, and a story that
# was shared leaves the programme's reports with it.
can_delete_story = is_story_author

rules.add_perm("meetings.tell_story_reportback", can_tell_report_back_story)
rules.add_perm("meetings.tell_story_closingreviewentry", can_tell_closing_story)
rules.add_perm("meetings.change_valuestory", can_change_story)
rules.add_perm("meetings.share_valuestory", can_share_story)
rules.add_perm("meetings.delete_valuestory", can_delete_story)


# Closing a slot as "learning noted, no action" (docs/product.md#learning-noted-no-action)


def of_slot(set_predicate: Predicate) -> Predicate:
    """A predicate on a set, asked of the set an airtime slot's meeting belongs to."""

    def on_its_set(user: Person, slot: AirtimeSlot | None) -> bool:
        return bool(set_predicate(user, slot.meeting.learning_set if slot is not None else None))

    return Predicate(on_its_set, name=f"of_slot({set_predicate.name})")


@rules.predicate
def is_slot_presenter(user: Person, slot: AirtimeSlot | None) -> bool:
    return slot is not None and slot.presenter_id is not None and slot.presenter_id == user.pk


# The presenter, while a member under the contract, and the set's facilitators, in an open
# set: the insight is the presenter's to name, and the facilitator may record it for them.
can_note_learning = of_slot(is_open_set) & (
    of_slot(is_set_facilitator) | (is_slot_presenter & of_slot(is_member_under_contract))
)

# Who may post to the meeting's endpoint for it at all; which slot is theirs is asked of the
# slot (`can_note_learning`).
can_note_learning_at_meeting = is_meeting_in_open_set & of_meeting(
    is_set_facilitator | is_member_under_contract
)

rules.add_perm("meetings.note_learning_airtimeslot", can_note_learning)
rules.add_perm("meetings.note_learning_meeting", can_note_learning_at_meeting)
