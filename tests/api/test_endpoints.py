"""The read-only API (docs/api.md): who a token lets in, what it reads (the attendance
export's data and nothing more, docs/api.md#what-it-serves), pagination, filters, bad input,
the rate limit and query counts."""

import base64
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api import services, tokens
from api.models import ApiToken
from reflections.models import JournalEntry
from sessions import exports
from sessions.models import (
    Action,
    AirtimeSlot,
    Bid,
    Meeting,
    PulseItem,
    PulseTally,
    ReportBack,
    ValueStory,
)
from sessions.reports.attendance import ReportScope
from tests.factories import MembershipFactory, ProgrammeFactory, SetFactory
from tests.sessions.attendance_data import build_attendance, held, london
from tests.sessions.factories import MeetingFactory


def url(name, *args):
    return reverse(f"api:api_v1:{name}", args=args)


def make_token(programme, actor, **kwargs):
    return services.create_token(
        programme, name=kwargs.pop("name", "HR"), last_day=None, actor=actor, ip=None, **kwargs
    )


@pytest.fixture
def token(world):
    return make_token(world.programme, world.admin)


def get(client, raw, path, **query):
    return client.get(path, query, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def other(db):
    """Another programme, its set and meeting, and a token of its own."""
    programme = ProgrammeFactory(name="Southbank Fellows")
    learning_set = SetFactory(programme=programme, name="Set Gamma")
    MembershipFactory(learning_set=learning_set, user__name="Gus Gamma")
    meeting = held(learning_set, london(2025, 2, 3))
    return programme, learning_set, meeting


# Tokens


def test_a_token_is_stored_only_as_a_digest(world):
    token, raw = make_token(world.programme, world.admin)
    prefix, secret = tokens.split(raw)
    assert token.prefix == prefix
    assert token.secret_hash == tokens.digest(secret) != secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT prefix, secret_hash, name FROM api_apitoken")
        stored = cursor.fetchall()
    assert stored == [(prefix, tokens.digest(secret), "HR")]
    assert all(secret not in str(value) for row in stored for value in row)
    assert raw not in json.dumps([str(v) for v in ApiToken.objects.values().get().values()])


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer als_zzzzzzzzzzzz_secret",
        "Bearer als_0123456789ab_secret",  # a prefix no token has
    ],
)
def test_a_missing_or_garbled_token_is_401(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(url("sets"), **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_for_a_real_prefix_is_401(client, token):
    found, raw = token
    assert get(client, raw[:-1] + ("A" if raw[-1] != "A" else "B"), url("sets")).status_code == 401
    assert get(client, raw, url("sets")).status_code == 200


def test_a_revoked_token_is_401(client, world, token):
    found, raw = token
    assert get(client, raw, url("sets")).status_code == 200
    assert services.revoke_token(found, actor=world.admin, ip=None)
    assert get(client, raw, url("sets")).status_code == 401


def test_an_expired_token_is_401(client, world, token):
    found, raw = token
    ApiToken.objects.filter(pk=found.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert get(client, raw, url("sets")).status_code == 401
    ApiToken.objects.filter(pk=found.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert get(client, raw, url("sets")).status_code == 200


def test_no_cache_on_the_way_keeps_an_answer(client, token):
    _, raw = token
    response = get(client, raw, url("attendance"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_signed_in_session_is_not_a_token(client, world):
    client.force_login(world.admin)
    assert client.get(url("sets")).status_code == 401


def test_last_used_is_noted(client, token):
    found, raw = token
    assert found.last_used_at is None
    get(client, raw, url("sets"))
    found.refresh_from_db()
    first = found.last_used_at
    assert first is not None
    # Within the minute, no write; after it, the newer time.
    get(client, raw, url("sets"))
    found.refresh_from_db()
    assert found.last_used_at == first
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=first - timedelta(minutes=5))
    get(client, raw, url("sets"))
    found.refresh_from_db()
    assert found.last_used_at > first - timedelta(minutes=5)


def test_a_refused_token_notes_no_use(client, world, token):
    found, raw = token
    services.revoke_token(found, actor=world.admin, ip=None)
    get(client, raw, url("sets"))
    found.refresh_from_db()
    assert found.last_used_at is None


# One programme's token reads nothing of another's


def test_a_token_reads_only_its_own_programme(client, world, token, other):
    programme, learning_set, meeting = other
    _, raw = token
    mine = held(world.learning_set, london(2025, 2, 4))
    for name in ("sets", "members", "meetings", "attendance"):
        body = get(client, raw, url(name)).content.decode()
        assert "Set Gamma" not in body and "Gus Gamma" not in body, name
    assert "Set Alpha" in get(client, raw, url("sets")).content.decode()
    assert get(client, raw, url("set", learning_set.pk)).status_code == 404
    assert get(client, raw, url("set_members", learning_set.pk)).status_code == 404
    assert get(client, raw, url("meeting", meeting.pk)).status_code == 404
    assert get(client, raw, url("meeting", mine.pk)).status_code == 200
    # Naming another programme's set as a filter is bad input, not a way in.
    refused = get(client, raw, url("attendance"), set=learning_set.pk)
    assert refused.status_code == 400
    assert "Set Gamma" not in refused.content.decode()
    assert get(client, raw, url("programme")).json()["name"] == "Northfield Leaders 2026"


# What it serves


def test_attendance_is_the_exports_rows(client, world, token):
    build_attendance(world)
    _, raw = token
    body = get(client, raw, url("attendance")).json()
    labels = {**exports.STATUS_LABELS, "not_recorded": exports.STATUS_LABELS[""]}
    rows = [(r["set_name"], r["member"], r["email"], labels[r["status"]]) for r in body["items"]]
    exported = [
        (row[1], row[4], row[5], row[6])
        for row in exports.attendance_rows(ReportScope(world.programme))
    ]
    # The same rows; the API's in the order its pages walk: by meeting start, meeting, record.
    assert len(rows) == len(exported) == 13 and body["next"] is None
    assert sorted(rows) == sorted(exported)
    starts = [(r["meeting_starts_at"], r["meeting_id"]) for r in body["items"]]
    assert starts == sorted(starts)
    erased = [r for r in body["items"] if r["member"] == "Former member (erased)"]
    assert len(erased) == 1 and erased[0]["email"] == "" and erased[0]["status"] == "absent"
    apologies = [r for r in body["items"] if r["status"] == "apologies"]
    assert [r["apologies_sent_at"] for r in apologies] == ["2025-02-10T18:00:00Z"]
    assert {r["apologies_sent_at"] for r in body["items"] if r["status"] != "apologies"} == {None}
    assert "not_recorded" in {r["status"] for r in body["items"]}


def test_the_status_filter_is_the_exports(client, world, token):
    build_attendance(world)
    _, raw = token
    body = get(client, raw, url("attendance"), status="not_recorded").json()
    assert [(r["member"], r["status"]) for r in body["items"]] == [
        ("Fred Former", "not_recorded"),
        ("Pat Pending", "not_recorded"),
    ]
    assert get(client, raw, url("attendance"), status="maybe").status_code == 400


def test_rosters_give_role_and_dates(client, world, token):
    data = build_attendance(world)
    _, raw = token
    body = get(client, raw, url("set_members", world.learning_set.pk)).json()
    people = {(r["member"], r["role"], r["left_at"] is not None) for r in body["items"]}
    assert people == {
        ("Fay Facilitator", "facilitator", False),
        ("Maya Member", "member", False),
        ("Pat Pending", "member", False),
        ("Fred Former", "member", True),
        ("Lena Leaver", "member", True),
    }
    # Members at some time in the period: Lena left on 1 March 2025.
    body = get(client, raw, url("members"), set=world.learning_set.pk, **{"from": "2025-04-01"})
    assert "Lena Leaver" not in {r["member"] for r in body.json()["items"]}
    assert data.lena.email in get(client, raw, url("members")).content.decode()


def test_meetings_give_the_schedule_and_never_the_video_link(client, world, token):
    data = build_attendance(world)
    _, raw = token
    body = get(client, raw, url("meetings"), **{"from": "2025-02-01", "to": "2025-02-28"}).json()
    assert [(r["set_name"], r["starts_at"], r["status"]) for r in body["items"]] == [
        ("Set Alpha", "2025-02-11T09:30:00Z", "held"),
        ("Set Beta", "2025-02-12T14:00:00Z", "held"),
    ]
    assert set(body["items"][0]) == {
        "id",
        "set_id",
        "set_name",
        "starts_at",
        "ends_at",
        "status",
        "place",
    }
    one = get(client, raw, url("meeting", data.upcoming.pk)).json()
    assert one["status"] == "scheduled" and one["place"] == data.upcoming.place
    everything = get(client, raw, url("meetings")).content.decode()
    assert data.upcoming.video_link and data.upcoming.video_link not in everything


PLANTED = {
    "topic": "Topic: Priya's merger doubts",
    "action": "Action: tell the CFO about the layoffs",
    "report": "Report-back: the CFO cried",
    "journal": "Journal: I fear the restructuring",
    "contract": "Contract: what Priya says stays here",
    "bid": "Bid: my manager undermines me",
    "review": "Review: we talked over each other",
    "story": "Value story: the night shift is heard now",
    "statement": "Statement: I can admit a mistake to this set",
}


def test_confidential_text_never_appears(client, world, token):
    data = build_attendance(world)
    meeting = data.alpha_meetings[0]
    meeting.process_review = PLANTED["review"]
    meeting.save()
    world.contract.text = PLANTED["contract"]
    world.contract.save()
    slot = AirtimeSlot.objects.create(
        meeting=meeting, presenter=world.member, topic=PLANTED["topic"]
    )
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=meeting,
        slot=slot,
        text=PLANTED["action"],
    )
    report_back = ReportBack.objects.create(
        action=action, meeting=data.alpha_meetings[1], outcome="done", note=PLANTED["report"]
    )
    # A story its author shares with the programme by name still stays out of the API, as do
    # the programme's own pulse statements.
    ValueStory.objects.create(
        report_back=report_back,
        learning_set=world.learning_set,
        author=world.member,
        text=PLANTED["story"],
        cycle="applied",
        consent="named",
        consented_at=timezone.now(),
    )
    PulseItem.objects.create(
        programme=world.programme, number=20, position=20, text=PLANTED["statement"]
    )
    Bid.objects.create(
        meeting=data.upcoming,
        member=world.member,
        problem=PLANTED["bid"],
        want="questions",
        minutes=10,
    )
    JournalEntry.objects.create(
        author=world.member,
        title="Shared",
        body=PLANTED["journal"],
        shared_with=world.learning_set,
        shared_at=timezone.now(),
    )
    PulseTally.objects.create(meeting=meeting, item=1, point=5, count=3)
    _, raw = token
    bodies = []
    for path in (
        url("programme"),
        url("sets"),
        url("set", world.learning_set.pk),
        url("set_members", world.learning_set.pk),
        url("members"),
        url("meetings"),
        url("meeting", meeting.pk),
        url("attendance"),
        url("openapi-json"),
    ):
        response = get(client, raw, path)
        assert response.status_code == 200, path
        bodies.append(response.content.decode())
    everything = "\n".join(bodies)
    for text in PLANTED.values():
        assert text not in everything
    for word in ("pulse", "topic", "journal", "contract", "video", "story", "statement"):
        assert word not in everything.lower(), word


# Pagination and dates


def walk(client, raw, name, **query):
    """Every page of a list, following `next`: the pages' items."""
    pages, cursor = [], None
    while True:
        body = get(client, raw, url(name), **query, **({"cursor": cursor} if cursor else {}))
        assert body.status_code == 200, body.content
        pages.append(body.json()["items"])
        cursor = body.json()["next"]
        if cursor is None:
            return pages


def test_pages_follow_the_cursor_of_the_page_before(client, world, token, settings):
    settings.API_PAGE_SIZE = 2
    for day in range(1, 6):
        MeetingFactory(learning_set=world.learning_set, starts_at=london(2025, 5, day))
    _, raw = token
    pages = walk(client, raw, "meetings")
    assert [[m["starts_at"][:10] for m in page] for page in pages] == [
        ["2025-05-01", "2025-05-02"],
        ["2025-05-03", "2025-05-04"],
        ["2025-05-05"],
    ]
    first = get(client, raw, url("meetings"), page_size=4).json()
    assert len(first["items"]) == 4 and first["next"] is not None
    assert get(client, raw, url("meetings"), page_size=5).json()["next"] is None


def test_meetings_at_the_same_moment_are_each_read_once(client, world, token, settings):
    """The order ends in the id, so rows that tie on the start are split across pages
    without one being lost or read twice."""
    settings.API_PAGE_SIZE = 2
    same = [
        MeetingFactory(learning_set=learning_set, starts_at=london(2025, 5, 1))
        for learning_set in (world.learning_set, world.other_set, world.learning_set)
    ]
    _, raw = token
    pages = walk(client, raw, "meetings")
    assert [m["id"] for page in pages for m in page] == sorted(m.pk for m in same)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_walking_attendance_reads_every_record_once_whatever_the_page_size(
    client, world, token, size
):
    build_attendance(world)
    # Held meetings with no counted record make windows of meetings without rows.
    for day in (1, 2, 3):
        held(world.learning_set, london(2025, 4, day))
    _, raw = token
    whole = get(client, raw, url("attendance"), page_size=500).json()["items"]
    pages = walk(client, raw, "attendance", page_size=size)
    assert [row for page in pages for row in page] == whole
    assert all(len(page) <= size for page in pages)
    # The filters hold on every page.
    absent = walk(client, raw, "attendance", page_size=size, status="absent")
    assert {row["status"] for page in absent for row in page} == {"absent"}
    assert sum(map(len, absent)) == sum(row["status"] == "absent" for row in whole)


def test_members_and_sets_walk_by_cursor_too(client, world, token, settings):
    settings.API_PAGE_SIZE = 2
    _, raw = token
    whole = get(client, raw, url("members"), page_size=500).json()["items"]
    assert len(whole) > 2
    assert [row for page in walk(client, raw, "members") for row in page] == whole
    sets = [row["name"] for page in walk(client, raw, "sets") for row in page]
    assert sets == ["Set Alpha", "Set Beta"]


def cursor_of(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "data",
    [
        {"by": ["starts_at", "id"], "after": ["2025-05-01T08:00:00+00:00", 1]},  # meetings'
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["yesterday", 1, 1]},
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["2025-05-01T08:00:00", 1, 1]},
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["2025-05-01T08:00Z", "1", 1]},
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["2025-05-01T08:00Z", 1, 2**70]},
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["2025-05-01T08:00Z", 1, True]},
        {"by": ["meeting_starts_at", "meeting_id", "id"], "after": ["2025-05-01T08:00Z", 1]},
        ["2025-05-01T08:00Z", 1, 1],
    ],
)
def test_a_cursor_we_did_not_make_is_400_and_reads_nothing(client, world, token, data):
    build_attendance(world)
    _, raw = token
    with CaptureQueriesContext(connection) as captured:
        response = get(client, raw, url("attendance"), cursor=cursor_of(data))
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]
    assert not any("meetings_attendance" in q["sql"] for q in captured.captured_queries)


def test_a_name_with_a_nul_in_a_sets_cursor_is_400(client, token):
    _, raw = token
    response = get(
        client, raw, url("sets"), cursor=cursor_of({"by": ["name", "id"], "after": ["a\x00", 1]})
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2025-02-30"},
        {"to": "yesterday"},
        {"from": "1999-12-31"},
        {"to": "2101-01-01"},
        {"from": "2025-03-01", "to": "2025-02-01"},
        {"set": "abc"},
        {"set": "99999999999999999999999"},
        {"page": "2"},
        {"page": "x"},
        {"page_size": "0"},
        {"page_size": "99999999999999999999"},
        {"cursor": "garbled!"},
        {"cursor": ""},
        {"cursor": "x" * 401},
    ],
)
def test_bad_filters_are_400(client, token, query):
    _, raw = token
    for name in ("meetings", "attendance", "members"):
        response = get(client, raw, url(name), **query)
        assert response.status_code == 400, (name, query)
        assert "detail" in response.json()


def test_dates_are_whole_days_in_the_programmes_zone(client, world, token):
    build_attendance(world)
    _, raw = token
    body = get(client, raw, url("attendance"), **{"from": "2025-02-11", "to": "2025-02-11"}).json()
    assert {r["meeting_starts_at"] for r in body["items"]} == {"2025-02-11T09:30:00Z"}
    assert len(body["items"]) == 4
    after = get(client, raw, url("attendance"), **{"from": "2025-02-12"}).json()
    assert {r["set_name"] for r in after["items"]} == {"Set Alpha", "Set Beta"}
    assert len(after["items"]) == 2 + 3  # Beta in February, Alpha in July (Lena's not expected)


# Rate limit


def test_past_the_rate_limit_a_token_gets_429(client, world, token, settings):
    settings.API_RATE_LIMIT = 3
    _, raw = token
    other_token, other_raw = make_token(world.programme, world.admin, name="LMS")
    assert [get(client, raw, url("sets")).status_code for _ in range(3)] == [200] * 3
    refused = get(client, raw, url("sets"))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Each token has its own count.
    assert get(client, other_raw, url("sets")).status_code == 200


# Query counts


def _queries(client, raw, path):
    with CaptureQueriesContext(connection) as captured:
        response = get(client, raw, path)
    assert response.status_code == 200
    return len(captured)


def _grow(world, n, start):
    for i in range(n):
        learning_set = SetFactory(programme=world.programme, name=f"Set Z{start + i}")
        person = MembershipFactory(learning_set=learning_set).user
        meeting = held(learning_set, london(2025, 4, 1 + i))
        meeting.attendance.create(user=person, status="present")


@pytest.mark.parametrize("name", ["sets", "members", "meetings", "attendance"])
def test_query_counts_do_not_grow_with_data(client, world, token, name):
    _, raw = token
    _grow(world, 2, 0)
    get(client, raw, url("sets"))  # the first use is noted once
    small = _queries(client, raw, url(name))
    _grow(world, 12, 10)
    assert _queries(client, raw, url(name)) == small
    # A page reached by cursor, deep in the list, takes as many.
    cursor = get(client, raw, url(name), page_size=3).json()["next"]
    assert cursor is not None
    assert _queries(client, raw, url(name) + f"?page_size=3&cursor={cursor}") == small


def test_the_schema_is_public_and_names_every_endpoint(client, db):
    schema = client.get(url("openapi-json")).json()
    assert schema["info"]["title"] == "ALS Space API"
    assert set(schema["paths"]) == {
        "/api/v1/programme",
        "/api/v1/sets",
        "/api/v1/sets/{set_id}",
        "/api/v1/sets/{set_id}/members",
        "/api/v1/members",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/attendance",
    }
    assert all(list(operation) == ["get"] for operation in schema["paths"].values()), (
        "the API only reads"
    )
    # Every list documents its cursor, and its pages their `next` (docs/api.md#pages).
    for path in ("/api/v1/sets", "/api/v1/members", "/api/v1/meetings", "/api/v1/attendance"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"cursor", "page_size"} <= names and "page" not in names, path
        answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page = schema["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"items", "next"}, path


def test_writing_is_refused(client, token):
    _, raw = token
    response = client.post(url("sets"), {}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 405
    assert not Meeting.objects.exists()


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.one_of(
        st.text(max_size=80),
        st.builds(lambda t: f"Bearer als_{t}", st.text(max_size=80)),
        st.builds(lambda t: f"Bearer als_0123456789ab_{t}", st.text(max_size=300)),
    )
)
def test_a_hostile_authorization_header_is_401(client, token, header):
    wsgi = header.encode("utf-8", "surrogatepass").decode("latin-1")
    response = client.get(url("attendance"), HTTP_AUTHORIZATION=wsgi)
    assert response.status_code in (400, 401)
