"""Apologies sent with notice, and on the day: one definition for the signals and the reports.

An apology is *with notice* when the member sent it before the day of the meeting, in the
programme's time zone; one sent on the day (or after the meeting began) is *on the day*.
Apologies a facilitator recorded without a time the member sent them are not with notice:
nothing shows they were. docs/signals.md#attendance-drift and
docs/reports.md#definitions rely on this.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThan

from sessions.models import Attendance


def sent_with_notice(sent_at: datetime | None, starts_at: datetime, zone: ZoneInfo) -> bool:
    """Whether apologies sent at `sent_at` came before the local day of a meeting starting
    at `starts_at`."""
    if sent_at is None:
        return False
    return sent_at.astimezone(zone).date() < starts_at.astimezone(zone).date()


def with_notice(status: str, sent_at: datetime | None, starts_at: datetime, zone: ZoneInfo) -> bool:
    """Whether an attendance record is apologies sent with notice."""
    return status == Attendance.Status.APOLOGIES and sent_with_notice(sent_at, starts_at, zone)


def with_notice_q(zone: ZoneInfo, prefix: str = "") -> Q:
    """The same test as a filter on Attendance rows (or on rows reaching them through
    `prefix`, such as "attendance__"), for one programme's time zone."""
    sent = TruncDate(f"{prefix}apologies_sent_at", tzinfo=zone)
    day = TruncDate(f"{prefix}meeting__starts_at", tzinfo=zone)
    return Q(**{f"{prefix}status": Attendance.Status.APOLOGIES}) & Q(LessThan(sent, day))
