"""The acts of this app the audit log records, registered in sessions/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import ATTENDANCE, PERSON, PROGRAMME, SET, describe


class MeetingAction(models.TextChoices):
    ATTENDANCE_EXPORTED = "attendance.exported", "Attendance exported"
    REPORT_BACK_CHANGED = "report_back.changed", "A member's own report-back changed"
    EVALUATION_EXPORTED = "evaluation.exported", "Evaluation report downloaded"
    STORY_SHARED = "value_story.shared", "A value story shared with the programme"
    STORY_SHARING_CHANGED = (
        "value_story.sharing_changed",
        "How a value story is shared with the programme changed",
    )
    STORY_WITHDRAWN = "value_story.withdrawn", "A value story withdrawn from the programme"
    STORY_DELETED = "value_story.deleted", "A value story deleted by its author"
    PULSE_ITEMS_CHANGED = "pulse.items_changed", "Pulse statements changed"


MEETING_ACTIONS = (
    describe(MeetingAction.ATTENDANCE_EXPORTED, ATTENDANCE, "Exported the attendance"),
    describe(MeetingAction.REPORT_BACK_CHANGED, PERSON, "Changed the report-back written by"),
    describe(MeetingAction.EVALUATION_EXPORTED, PROGRAMME, "Downloaded the evaluation report of"),
    # A value story's events name its number and set, and whether it is named or anonymised,
    # never its text (docs/confidentiality.md#value-stories).
    describe(MeetingAction.STORY_SHARED, SET, "Shared with the programme a value story from"),
    describe(
        MeetingAction.STORY_SHARING_CHANGED,
        SET,
        "Changed how the programme may read a value story from",
    ),
    describe(MeetingAction.STORY_WITHDRAWN, SET, "Withdrew from the programme a value story from"),
    describe(MeetingAction.STORY_DELETED, SET, "Deleted their value story from"),
    describe(MeetingAction.PULSE_ITEMS_CHANGED, PROGRAMME, "Changed the pulse statements of"),
)
