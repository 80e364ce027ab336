"""The acts of this app the audit log records, registered in sessions/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import ATTENDANCE, describe


class MeetingAction(models.TextChoices):
    ATTENDANCE_EXPORTED = "attendance.exported", "Attendance exported"


MEETING_ACTIONS = (
    describe(MeetingAction.ATTENDANCE_EXPORTED, ATTENDANCE, "Exported the attendance"),
)
