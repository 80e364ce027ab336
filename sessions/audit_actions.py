"""The acts of this app the audit log records, registered in sessions/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import ATTENDANCE, PERSON, PROGRAMME, describe


class MeetingAction(models.TextChoices):
    ATTENDANCE_EXPORTED = "attendance.exported", "Attendance exported"
    REPORT_BACK_CHANGED = "report_back.changed", "A member's own report-back changed"
    EVALUATION_EXPORTED = "evaluation.exported", "Evaluation report downloaded"


MEETING_ACTIONS = (
    describe(MeetingAction.ATTENDANCE_EXPORTED, ATTENDANCE, "Exported the attendance"),
    describe(MeetingAction.REPORT_BACK_CHANGED, PERSON, "Changed the report-back written by"),
    describe(MeetingAction.EVALUATION_EXPORTED, PROGRAMME, "Downloaded the evaluation report of"),
)
