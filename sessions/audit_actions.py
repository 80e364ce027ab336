"""The acts of this app the audit log records, registered in sessions/apps.py
(alsspace/audit_actions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alsspace.audit_actions import ATTENDANCE, PERSON, PROGRAMME, SET, describe


class MeetingAction(models.TextChoices):
    ATTENDANCE_EXPORTED = "attendance.exported", _("Attendance exported")
    REPORT_BACK_CHANGED = "report_back.changed", _("A member's own report-back changed")
    EVALUATION_EXPORTED = "evaluation.exported", _("Evaluation report downloaded")
    STORY_SHARED = "value_story.shared", _("A value story shared with the programme")
    STORY_SHARING_CHANGED = (
        "value_story.sharing_changed",
        _("How a value story is shared with the programme changed"),
    )
    STORY_WITHDRAWN = "value_story.withdrawn", _("A value story withdrawn from the programme")
    STORY_DELETED = "value_story.deleted", _("A value story deleted by its author")
    PULSE_ITEMS_CHANGED = "pulse.items_changed", _("Pulse statements changed")


MEETING_ACTIONS = (
    describe(MeetingAction.ATTENDANCE_EXPORTED, ATTENDANCE, _("Exported the attendance")),
    describe(MeetingAction.REPORT_BACK_CHANGED, PERSON, _("Changed the report-back written by")),
    describe(
        MeetingAction.EVALUATION_EXPORTED, PROGRAMME, _("Downloaded the evaluation report of")
    ),
    # A value story's events name its number and set, and whether it is named or anonymised,
    # never its text (docs/confidentiality.md#value-stories).
    describe(MeetingAction.STORY_SHARED, SET, _("Shared with the programme a value story from")),
    describe(
        MeetingAction.STORY_SHARING_CHANGED,
        SET,
        _("Changed how the programme may read a value story from"),
    ),
    describe(
        MeetingAction.STORY_WITHDRAWN, SET, _("Withdrew from the programme a value story from")
    ),
    describe(MeetingAction.STORY_DELETED, SET, _("Deleted their value story from")),
    describe(MeetingAction.PULSE_ITEMS_CHANGED, PROGRAMME, _("Changed the pulse statements of")),
)
