"""The read-only API (docs/api.md): a programme's sets, rosters, meetings and attendance,
for HR and learning systems, reached with one of the programme's tokens and never with a
person's session. It serves what the attendance export holds and nothing more
(docs/reports.md#exports): never contracts, topics, actions, journals, pulse answers, bids,
notes, reviews or a meeting's video link."""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from api import queries, ratelimit, tokens
from api.cursors import (
    KeysetPagination,
    PageInput,
    page_size,
    refuse_page_numbers,
    windowed_page,
)
from api.forms import ApiFilterForm
from api.models import ApiToken
from api.services import stamp_use
from sessions.reports.attendance import ReportScope
from sets.models import LearningSet


class TokenAuth(HttpBearer):
    """`Authorization: Bearer als_<prefix>_<secret>`: an active token of a programme, found
    by its prefix, its secret compared with the stored digest in constant time. Then the
    token's rate is counted and its last use noted."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        parts = tokens.split(token.strip())
        if parts is None:
            return None
        prefix, secret = parts
        found = queries.token_by_prefix(prefix)
        if found is None:
            tokens.matches(secret, "")  # as long as a known prefix would take
            return None
        now = timezone.now()
        if not tokens.matches(secret, found.secret_hash):
            return None
        if found.revoked_at is not None or found.is_expired(now):
            return None
        ratelimit.check(found.pk)
        stamp_use(found, now)
        return found


api = NinjaAPI(
    title="ALS Space API",
    version="1",
    description="A programme's sets, rosters, meetings and attendance, read-only. See docs/api.md.",
    auth=TokenAuth(),
    urls_namespace="api:api_v1",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP refuses
)


# Errors, as JSON with a `detail`


def _detail(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Bad input is 400, with what was wrong with it."""
    return _detail(request, error.errors, 400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _detail(request, "Send an active API token: Authorization: Bearer als_…", 401)
    response["WWW-Authenticate"] = 'Bearer realm="ALS Space API"'
    return response


@api.exception_handler(ratelimit.RateLimited)
def rate_limited(request: HttpRequest, error: ratelimit.RateLimited) -> HttpResponse:
    response = _detail(request, str(error), 429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _scope(request: HttpRequest, *, with_status: bool = False, **fixed: Any) -> ReportScope:
    """The report scope the query string asks for, within the token's programme; 400 with
    the reasons when it asks for something that cannot be (a day that does not exist, one
    out of range, a last day before the first, a set of another programme)."""
    programme = request.auth.programme  # type: ignore[attr-defined]
    form = ApiFilterForm(request.GET, programme=programme, with_status=with_status, **fixed)
    if not form.is_valid():
        raise HttpError(
            400, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        )
    return form.scope()


# Schemas


class Period(Schema):
    """Whole days in the programme's time zone, both ends included."""

    from_: date | None = Field(None, alias="from", description="First day (YYYY-MM-DD)")
    to: date | None = Field(None, description="Last day, included (YYYY-MM-DD)")


class SetPeriod(Period):
    set: int | None = Field(None, description="Only this set of the programme")


class AttendanceFilters(SetPeriod):
    status: str | None = Field(
        None,
        description="present, late, left_early, apologies, absent or not_recorded",
    )


class AttendanceQuery(AttendanceFilters, PageInput):
    pass


class ProgrammeOut(Schema):
    id: int
    name: str
    organisation: str
    time_zone: str
    starts_on: date | None
    ends_on: date | None
    attendance_threshold: int


class SetOut(Schema):
    id: int
    name: str
    status: str


class MembershipOut(Schema):
    id: int
    set_id: int
    set_name: str
    member: str
    email: str
    role: str
    joined_at: datetime
    left_at: datetime | None


class MeetingOut(Schema):
    id: int
    set_id: int
    set_name: str
    starts_at: datetime
    ends_at: datetime
    status: str
    place: str


class AttendanceOut(Schema):
    meeting_id: int
    set_id: int
    set_name: str
    meeting_starts_at: datetime
    member: str
    email: str
    status: str = Field(alias="record_status")
    apologies_sent_at: datetime | None = Field(alias="apologies_at")


class AttendancePage(Schema):
    items: list[AttendanceOut]
    next: str | None = Field(
        description="Send it as `cursor` for the page after this one; null on the last"
    )


# Endpoints


@api.get("/programme", response=ProgrammeOut, url_name="programme")
def programme(request: HttpRequest) -> Any:
    """The token's programme."""
    return request.auth.programme  # type: ignore[attr-defined]


@api.get("/sets", response=list[SetOut], url_name="sets")
@paginate(KeysetPagination, keys=queries.SET_ORDER)
def sets(request: HttpRequest) -> Any:
    """The programme's sets, by name."""
    return queries.api_sets(request.auth.programme)  # type: ignore[attr-defined]


def _set(request: HttpRequest, set_id: int) -> LearningSet:
    """A set of the token's programme; any other is not found."""
    return get_object_or_404(
        LearningSet,
        pk=set_id,
        programme=request.auth.programme,  # type: ignore[attr-defined]
    )


@api.get("/sets/{int:set_id}", response=SetOut, url_name="set")
def learning_set(request: HttpRequest, set_id: int) -> Any:
    return _set(request, set_id)


@api.get("/sets/{int:set_id}/members", response=list[MembershipOut], url_name="set_members")
@paginate(KeysetPagination, keys=queries.ROSTER_ORDER)
def set_members(request: HttpRequest, set_id: int, filters: Query[Period]) -> Any:
    """Everyone who was in the set (members and facilitators) at any time in the period,
    with their role and when they joined and left, in the order the memberships were made."""
    return queries.api_roster(_scope(request, learning_set=_set(request, set_id)))


@api.get("/members", response=list[MembershipOut], url_name="members")
@paginate(KeysetPagination, keys=queries.ROSTER_ORDER)
def members(request: HttpRequest, filters: Query[SetPeriod]) -> Any:
    """The rosters of every set of the programme, or of one, by set and membership."""
    return queries.api_roster(_scope(request))


@api.get("/meetings", response=list[MeetingOut], url_name="meetings")
@paginate(KeysetPagination, keys=queries.MEETING_ORDER)
def meetings(request: HttpRequest, filters: Query[SetPeriod]) -> Any:
    """The schedule: every meeting starting in the period, whatever its status, by start."""
    return queries.api_meetings(_scope(request))


@api.get("/meetings/{int:meeting_id}", response=MeetingOut, url_name="meeting")
def meeting(request: HttpRequest, meeting_id: int) -> Any:
    found = queries.api_meeting(request.auth.programme).filter(pk=meeting_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    return found


@api.get("/attendance", response=AttendancePage, url_name="attendance")
def attendance(request: HttpRequest, filters: Query[AttendanceQuery]) -> Any:
    """The attendance export's rows: one per counted record of a held meeting, by meeting
    start, meeting and record, read a window of meetings at a time (api.cursors)."""
    refuse_page_numbers(request)
    scope = _scope(request, with_status=True)
    return windowed_page(
        queries.api_attendance(scope),
        queries.ATTENDANCE_ORDER,
        queries.api_held_meetings(scope),
        queries.MEETING_ORDER,
        filters.cursor,
        page_size(filters.page_size),
    )
