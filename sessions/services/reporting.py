"""The one write attendance reports make: the audit event of an export.

Exports run outside the request's transaction (a streamed CSV reads the database after the
view returns), so the event is committed here, in a transaction of its own, before the
response goes out.
"""

from django.db import transaction

from alsspace.audit import Action, record
from sessions.reports.attendance import STATUS_CHOICES

STATUS_NAMES = dict(STATUS_CHOICES)


@transaction.atomic
def record_attendance_export(scope, *, file_format, rows, first_day, last_day, request):
    """Who exported which rows of which programme, with every filter used."""
    subject = scope.programme.name
    if scope.learning_set is not None:
        subject = f"{scope.learning_set.name} ({subject})"
    return record(
        Action.ATTENDANCE_EXPORTED,
        request=request,
        programme=scope.programme,
        subject=subject,
        format=file_format.upper(),
        set=scope.learning_set.name if scope.learning_set else "All sets",
        status=STATUS_NAMES.get(scope.status, "All statuses"),
        rows=rows,
        **{
            "from": first_day.isoformat() if first_day else "",
            "to": last_day.isoformat() if last_day else "",
        },
    )
