"""The writes attendance reports rest on: the audit event of an export, and what an
account's erasure leaves of its attendance.

Exports run outside the request's transaction (a streamed CSV reads the database after the
view returns), so the event is committed here, in a transaction of its own, before the
response goes out.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from alsspace.audit import record
from alsspace.models import AuditEvent, User
from sessions.audit_actions import MeetingAction
from sessions.models import Attendance
from sessions.reports.attendance import STATUS_CHOICES, ReportScope, held_after_leaving
from sets.models import Programme

STATUS_NAMES = dict(STATUS_CHOICES)


@transaction.atomic
def record_attendance_export(
    scope: ReportScope,
    *,
    file_format: str,
    rows: int,
    first_day: date | None,
    last_day: date | None,
    actor: User,
    ip: str | None = None,
) -> AuditEvent:
    """Who exported which rows of which programme, with every filter used."""
    subject = scope.programme.name
    period: dict[str, Any] = {
        "from": first_day.isoformat() if first_day else "",
        "to": last_day.isoformat() if last_day else "",
    }
    if scope.learning_set is not None:
        subject = f"{scope.learning_set.name} ({subject})"
    # The audit log keeps the status's English name, whatever language the export is in.
    with translation.override(None):
        status = str(STATUS_NAMES.get(scope.status, "All statuses"))
    return record(
        MeetingAction.ATTENDANCE_EXPORTED,
        actor=actor,
        ip=ip,
        programme=scope.programme,
        subject=subject,
        format=file_format.upper(),
        set=scope.learning_set.name if scope.learning_set else "All sets",
        status=status,
        rows=rows,
        **period,
    )


@transaction.atomic
def record_evaluation_export(
    programme: Programme, *, period: str, actor: User, ip: str | None = None
) -> AuditEvent:
    """Who downloaded the programme's evaluation report, and for which months."""
    return record(
        MeetingAction.EVALUATION_EXPORTED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=programme.name,
        format="CSV",
        period=period,
    )


@transaction.atomic
def erase_attendance(user: User, *, now: datetime | None = None) -> int:
    """Before an account is erased (its memberships go with it): the rows the reports count
    stay, without a name and with the account's number, so every total and every person's
    row stays as it was. The rows they do not count go, since without the memberships they
    could no longer be told apart: meetings that started after the person left the set
    (apologies sent before leaving included), and meetings still to start, which the person
    will not come to."""
    now = now or timezone.now()
    rows = Attendance.objects.filter(user=user)
    rows.filter(held_after_leaving() | Q(meeting__starts_at__gt=now)).delete()
    return rows.update(user=None, erased_account=user.pk)
