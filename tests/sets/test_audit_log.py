"""The programme's audit log as its admins read it: who acted, what they did and to whom or
what, and filters by what happened, a person and days."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alsspace.audit import record
from alsspace.models import AuditEvent
from reflections.audit_actions import ReflectionAction
from sessions.audit_actions import MeetingAction
from sets.audit_actions import SetAction
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory


def audit_url(programme):
    return reverse("sets:audit", args=[programme.pk])


def log(client, world, **query):
    client.force_login(world.admin)
    return client.get(audit_url(world.programme), query)


def table_rows(response):
    """Each row of the log's table as its cells' words."""
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ][1:]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def at(day, hour=12):
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def event(action, *, when, **fields):
    """An event at a known time: the log is append-only, so it is made as it would be."""
    return AuditEvent.objects.create(action=action, created_at=when, **fields)


@pytest.fixture
def history(world):
    """A facilitator removes one member, another leaves by themselves, the admin invites
    someone, a member erases their account and the admin exports attendance."""
    programme = world.programme.pk
    facilitator, admin = world.facilitator, world.admin
    event(
        SetAction.INVITATION_SENT,
        when=at(2),
        actor=admin,
        programme_id=programme,
        subject="newcomer@example.org",
        detail={"set": "Set Alpha", "role": "member"},
    )
    event(
        SetAction.MEMBERSHIP_ENDED,
        when=at(3),
        actor=facilitator,
        programme_id=programme,
        subject=world.former.email,
        detail={"set": "Set Alpha", "role": "member"},
    )
    event(
        SetAction.MEMBERSHIP_ENDED,
        when=at(4),
        actor=world.pending,
        programme_id=programme,
        subject=world.pending.email,
        detail={"set": "Set Alpha", "role": "member"},
    )
    event(
        ReflectionAction.ACCOUNT_ERASED,
        when=at(5),
        actor=None,
        programme_id=programme,
        subject="Account 41",
        detail={"sets": ["Set Alpha"]},
    )
    event(
        MeetingAction.ATTENDANCE_EXPORTED,
        when=at(6),
        actor=admin,
        programme_id=programme,
        subject=world.programme.name,
        detail={"format": "CSV", "set": "All sets", "from": "", "to": ""},
    )
    event(
        SetAction.CONTRACT_VERSION,
        when=at(7),
        actor=facilitator,
        programme_id=programme,
        subject="Set Alpha",
        detail={"version": 2},
    )
    # Another programme's event names the same person: it never shows here.
    event(
        SetAction.MEMBERSHIP_ENDED,
        when=at(4),
        actor=facilitator,
        programme_id=ProgrammeFactory().pk,
        subject=world.pending.email,
        detail={"set": "Planted elsewhere"},
    )


def test_each_row_says_who_acted_what_they_did_and_to_whom(client, world, history):
    rows = table_rows(log(client, world))
    admin, facilitator = world.admin, world.facilitator
    assert rows == [
        [
            f"{facilitator.name} {facilitator.email}",
            "Wrote a new contract for",
            "Set: Set Alpha",
            "Contract version: 2",
        ],
        [
            f"{admin.name} {admin.email}",
            "Exported the attendance",
            f"Attendance of {world.programme.name}",
            "Set: All sets Format: CSV",
        ],
        ["An erased account", "Erased their account", "Account 41", "Sets: Set Alpha"],
        [
            f"{world.pending.name} {world.pending.email}",
            "Left a set",
            f"Person: {world.pending.name} ({world.pending.email}) (themselves)",
            "Set: Set Alpha Role: member",
        ],
        [
            f"{facilitator.name} {facilitator.email}",
            "Removed from a set",
            f"Person: {world.former.name} ({world.former.email})",
            "Set: Set Alpha Role: member",
        ],
        [
            f"{admin.name} {admin.email}",
            "Invited",
            "Person: newcomer@example.org",
            "Set: Set Alpha Role: member",
        ],
    ]


def test_what_a_real_removal_and_a_real_leaving_record_reads_as_such(client, world):
    client.force_login(world.facilitator)
    membership = world.learning_set.memberships.get(user=world.member)
    remove = reverse("sets:member_remove", args=[world.learning_set.pk, membership.pk])
    assert client.post(remove).status_code == 302
    rows = table_rows(log(client, world, action=SetAction.MEMBERSHIP_ENDED))
    assert [row[:3] for row in rows] == [
        [
            f"{world.facilitator.name} {world.facilitator.email}",
            "Removed from a set",
            f"Person: {world.member.name} ({world.member.email})",
        ]
    ]


@pytest.mark.parametrize(
    ("query", "doings"),
    [
        ({"action": SetAction.MEMBERSHIP_ENDED}, ["Left a set", "Removed from a set"]),
        ({"action": SetAction.INVITATION_SENT}, ["Invited"]),
        # Who acted, by part of a name, or whom it was about, by part of an address.
        ({"person": "fay fac"}, ["Wrote a new contract for", "Removed from a set"]),
        ({"person": "NEWCOMER@"}, ["Invited"]),
        ({"person": "Pat"}, ["Left a set"]),
        # Days are whole days in the reader's time zone, both ends included.
        (
            {"start": "2026-03-05"},
            ["Wrote a new contract for", "Exported the attendance", "Erased their account"],
        ),
        ({"end": "2026-03-03"}, ["Removed from a set", "Invited"]),
        ({"start": "2026-03-04", "end": "2026-03-04"}, ["Left a set"]),
        (
            {"action": SetAction.MEMBERSHIP_ENDED, "person": "pat", "end": "2026-03-04"},
            ["Left a set"],
        ),
        ({"person": "nobody-here"}, []),
    ],
)
def test_filters_narrow_the_log(client, world, history, query, doings):
    response = log(client, world, **query)
    assert response.status_code == 200
    if doings:
        assert [row[1] for row in table_rows(response)] == doings
    else:
        assert "No events match these filters" in response.content.decode()
    assert "Planted elsewhere" not in response.content.decode()


def test_days_follow_the_readers_time_zone(client, world):
    world.admin.time_zone = "Asia/Tokyo"
    world.admin.save()
    # 23:30 UTC on 1 March is 08:30 on 2 March in Tokyo.
    event(
        SetAction.SET_CLOSED,
        when=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        actor=world.facilitator,
        programme_id=world.programme.pk,
        subject="Set Alpha",
    )
    assert table_rows(log(client, world, start="2026-03-02", end="2026-03-02"))
    assert not log(client, world, end="2026-03-01").context["events"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"action": "everything"}, "“everything” is not something the log records."),
        ({"start": "2026-02-30"}, "Enter a date as year-month-day"),
        ({"end": "9999-12-31"}, "Choose a date between 1 January 2000 and 31 December 2100"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "The last day comes before the first."),
        ({"person": "x" * 255}, "Ensure this value has at most 254 characters"),
    ],
)
def test_filters_that_cannot_be_used_answer_400_with_a_message(
    client, world, history, query, message
):
    response = log(client, world, **query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "These filters cannot be used" in body
    assert "<tbody>" not in body


def test_a_nul_in_a_filter_is_refused_before_the_log_is_read(client, world, history):
    response = log(client, world, person="pat\x00")
    assert response.status_code == 400
    assert "<tbody>" not in response.content.decode()


def test_pages_keep_the_filters(client, world):
    for number in range(52):
        record(
            SetAction.INVITATION_SENT,
            actor=world.admin,
            programme=world.programme,
            subject=f"p{number}@x.org",
        )
    record(SetAction.SET_CLOSED, actor=world.admin, programme=world.programme, subject="Set Alpha")
    first = log(client, world, action=SetAction.INVITATION_SENT)
    assert "Events 1–50 of 52 that match the filters" in first.content.decode()
    assert "?action=invitation.sent&amp;page=2" in first.content.decode()
    second = log(client, world, action=SetAction.INVITATION_SENT, page=2)
    assert [row[1] for row in table_rows(second)] == ["Invited", "Invited"]


def count_queries(client, admin, programme, **query):
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(audit_url(programme), query).status_code == 200
    return len(queries)


def programme_with_events(count):
    admin = UserFactory()
    programme = ProgrammeFactory(admins=[admin])
    for _ in range(count):
        member = MembershipFactory(learning_set__programme=programme).user
        record(SetAction.INVITATION_SENT, actor=admin, programme=programme, subject=member.email)
        record(SetAction.MEMBERSHIP_ENDED, actor=member, programme=programme, subject=member.email)
    return admin, programme


@pytest.mark.parametrize("query", [{}, {"person": "@", "start": "2000-01-01"}])
def test_the_logs_queries_do_not_grow_with_events_and_people(client, db, query):
    assert count_queries(client, *programme_with_events(1), **query) == count_queries(
        client, *programme_with_events(6), **query
    )
