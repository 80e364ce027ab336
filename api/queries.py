"""What the token pages list and what each API endpoint reads: always the token's own
programme, and of it only what the attendance export holds (docs/api.md#what-it-serves)."""

from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from api.cursors import Key
from api.models import ApiToken
from sessions.models import Attendance, Meeting
from sessions.reports.attendance import (
    ERASED_NAME,
    NOT_RECORDED,
    ReportScope,
    exported_attendance,
    period_of,
    report_sets,
)
from sets.models import LearningSet, Membership, Programme


def programme_tokens(programme: Programme) -> QuerySet[ApiToken]:
    """Every token of the programme, newest first, with who made and revoked it."""
    return ApiToken.objects.filter(programme=programme).select_related("created_by", "revoked_by")


def token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("programme").filter(prefix=prefix).first()


# The order of each list, which its pages walk (api.cursors, docs/api.md#pages): each ends in
# a unique column, and the long lists' orders are indexed (meetings by start:
# sessions.Meeting's `meeting_start_order`).
SET_ORDER = (Key("name", "name", str), Key("id", "id", int))
ROSTER_ORDER = (Key("set_id", "learning_set_id", int), Key("id", "id", int))
MEETING_ORDER = (Key("starts_at", "starts_at", datetime), Key("id", "id", int))
ATTENDANCE_ORDER = (
    Key("meeting_starts_at", "meeting__starts_at", datetime),
    Key("meeting_id", "meeting_id", int),
    Key("id", "id", int),
)


def api_sets(programme: Programme) -> QuerySet[LearningSet, Any]:
    return (
        LearningSet.objects.filter(programme=programme)
        .order_by("name", "pk")
        .values("id", "name", "status")
    )


def _person() -> Coalesce:
    """A person's name, or their email where they gave none, as the export names them."""
    return Coalesce(NullIf(F("user__name"), Value("")), F("user__email"), output_field=CharField())


def api_roster(scope: ReportScope) -> QuerySet[Membership, Any]:
    """Each membership of the scope's sets (everyone who was in them, facilitators included)
    that overlapped its period. An erased account's memberships went with it; its
    attendance stays (api_attendance)."""
    rows = Membership.objects.filter(learning_set__in=report_sets(scope))
    if scope.ends is not None:
        rows = rows.filter(joined_at__lt=scope.ends)
    if scope.starts is not None:
        rows = rows.filter(Q(left_at__isnull=True) | Q(left_at__gte=scope.starts))
    return rows.order_by("learning_set", "pk").values(
        "id",
        "role",
        "joined_at",
        "left_at",
        set_id=F("learning_set_id"),
        set_name=F("learning_set__name"),
        member=_person(),
        email=F("user__email"),
    )


def api_meetings(scope: ReportScope) -> QuerySet[Meeting, Any]:
    """The schedule: every meeting of the scope's sets starting in its period, whatever its
    status. Never its topics, notes, review or video link."""
    return (
        Meeting.objects.filter(period_of(scope), learning_set__in=report_sets(scope))
        .order_by("starts_at", "pk")
        .values(
            "id",
            "starts_at",
            "ends_at",
            "status",
            "place",
            set_id=F("learning_set_id"),
            set_name=F("learning_set__name"),
        )
    )


def api_meeting(programme: Programme) -> QuerySet[Meeting, Any]:
    return api_meetings(ReportScope(programme))


def api_held_meetings(scope: ReportScope) -> QuerySet[Meeting]:
    """The held meetings of the scope's sets starting in its period: every meeting a counted
    attendance record of the scope can belong to, the windows its pages are read in."""
    return Meeting.objects.filter(
        period_of(scope),
        learning_set__in=report_sets(scope),
        status=Meeting.Status.HELD,
    )


def api_attendance(scope: ReportScope) -> QuerySet[Attendance, Any]:
    """The attendance export's rows (sessions.reports.attendance.exported_attendance), one
    per counted record, with the same cells: an erased account's as "Former member (erased)"
    with no email, and when apologies were sent only for a status of Apologies. In the order
    its pages walk, by meeting start, meeting and record, not the export's by set and name."""
    apologies = Attendance.Status.APOLOGIES
    rows = exported_attendance(scope).order_by(*(key.field for key in ATTENDANCE_ORDER))
    return rows.values(
        "id",
        "meeting_id",
        set_id=F("meeting__learning_set_id"),
        set_name=F("meeting__learning_set__name"),
        meeting_starts_at=F("meeting__starts_at"),
        member=Case(
            When(user__isnull=True, then=Value(ERASED_NAME)),
            default=_person(),
            output_field=CharField(),
        ),
        email=Coalesce(F("user__email"), Value(""), output_field=CharField()),
        record_status=Case(
            When(status="", then=Value(NOT_RECORDED)), default=F("status"), output_field=CharField()
        ),
        apologies_at=Case(When(status=apologies, then=F("apologies_sent_at"))),
    )
