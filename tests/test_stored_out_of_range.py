"""Rows stored before dates were bounded (alsspace.inputs) no longer break a page.

Forms now refuse a date outside 2000–2100, but a database may already hold a meeting on
9999-12-31 or an action due in year 1, typed before the bound. A meeting at the edge of the
calendar has no local time east (or west) of UTC, and pages failed wherever they showed it,
added a pulse window to it or grouped reports by its month. The migrations that add the
constraints move such rows to the nearest end of the range (nothing is deleted, and the
facilitator can then change or cancel the meeting); the constraints refuse new ones. Here
rows are planted at the schema before those migrations, the migrations run, and every role
crawls the demo, with people spread over the furthest time zones, without a failure.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from sessions.models import Action, Meeting
from sets.models import LearningSet, Programme
from tests.test_crawler import ACCOUNTS, ROLES, crawl, demo, person  # noqa: F401

BEFORE = [
    ("meetings", "0005_drop_pulse_responses"),
    ("sets", "0005_own_invitations_need_approval"),
]
FAR_ZONES = {
    "admin": "Pacific/Kiritimati",
    "facilitator": "Pacific/Kiritimati",
    "member": "Pacific/Pago_Pago",
    "pending": "Pacific/Kiritimati",
    "former": "Pacific/Pago_Pago",
    "outsider": "Pacific/Kiritimati",
}
LAST = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
FIRST = datetime(1, 1, 1, 0, 30, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def plant(old):
    """The rows a facilitator and an admin could save before dates were bounded."""
    aurora = old.get_model("sets", "LearningSet").objects.get(name="Set Aurora")
    old.get_model("sets", "Programme").objects.filter(pk=aurora.programme_id).update(
        starts_on=date(1, 1, 1), ends_on=date(9999, 12, 31), time_zone="Pacific/Kiritimati"
    )
    meetings = old.get_model("meetings", "Meeting").objects
    coming = meetings.create(
        learning_set=aurora, starts_at=LAST, ends_at=LAST + timedelta(minutes=59)
    )
    held = meetings.create(
        learning_set=aurora, starts_at=FIRST, ends_at=FIRST + timedelta(hours=3), status="held"
    )
    member = old.get_model("alsspace", "User").objects.get(email="member.aurora@demo.alsspace.test")
    old.get_model("meetings", "Attendance").objects.create(
        meeting=held, user=member, status="present"
    )
    old.get_model("meetings", "Attendance").objects.create(
        meeting=coming, user=member, status="apologies"
    )
    actions = old.get_model("meetings", "Action").objects
    for due_on in (date(9999, 12, 31), date(1, 1, 1)):
        actions.create(
            learning_set=aurora, owner=member, committed_at=held, text="Far", due_on=due_on
        )
    return coming.pk, held.pk


@pytest.fixture
def moved_rows(demo, transactional_db):  # noqa: F811
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    coming, held = plant(migrate(BEFORE))
    migrate(leaves)
    for role, zone in FAR_ZONES.items():
        type(person("admin")).objects.filter(pk=person(ACCOUNTS[role]).pk).update(time_zone=zone)
    return Meeting.objects.get(pk=coming), Meeting.objects.get(pk=held)


def test_the_migrations_move_rows_off_the_calendar_to_the_nearest_end_of_the_range(moved_rows):
    coming, held = moved_rows
    assert (coming.starts_at, coming.ends_at) == (
        datetime(2100, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2100, 12, 31, 23, 59, tzinfo=UTC),
    )
    assert (coming.status, coming.sequence) == ("scheduled", 1)
    assert (held.starts_at, held.ends_at) == (
        datetime(2000, 1, 1, 0, 30, tzinfo=UTC),
        datetime(2000, 1, 1, 3, 30, tzinfo=UTC),
    )
    assert held.attendance.count() == 1
    assert sorted(Action.objects.filter(committed_at=held).values_list("due_on", flat=True)) == [
        date(2000, 1, 1),
        date(2100, 12, 31),
    ]
    programme = LearningSet.objects.get(name="Set Aurora").programme
    assert (programme.starts_on, programme.ends_on) == (date(2000, 1, 1), date(2100, 12, 31))


@pytest.mark.parametrize("role", ROLES)
def test_a_row_moved_back_onto_the_calendar_breaks_no_page(moved_rows, role):
    coming, held = moved_rows
    client = Client(raise_request_exception=False)
    client.force_login(person(ACCOUNTS[role]))
    pages, errors = crawl(client, ["/", coming.get_absolute_url(), held.get_absolute_url()])
    assert errors == []
    assert len(pages) > 10


@pytest.mark.parametrize(
    "write",
    [
        lambda w: Meeting.objects.create(
            learning_set=w.learning_set, starts_at=LAST, ends_at=LAST + timedelta(minutes=30)
        ),
        lambda w: Meeting.objects.create(
            learning_set=w.learning_set, starts_at=FIRST, ends_at=FIRST + timedelta(hours=1)
        ),
        lambda w: Programme.objects.filter(pk=w.programme.pk).update(ends_on=date(2101, 1, 1)),
        lambda w: Programme.objects.filter(pk=w.programme.pk).update(starts_on=date(1999, 12, 31)),
        lambda w: Action.objects.create(
            learning_set=w.learning_set,
            committed_at=Meeting.objects.create(
                learning_set=w.learning_set,
                starts_at=datetime(2026, 1, 1, 9, tzinfo=UTC),
                ends_at=datetime(2026, 1, 1, 12, tzinfo=UTC),
            ),
            text="Far",
            due_on=date(9999, 12, 31),
        ),
    ],
    ids=["meeting 9999", "meeting year 1", "programme to 2101", "programme from 1999", "due 9999"],
)
def test_the_database_refuses_a_date_off_the_calendar(world, write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write(world)
