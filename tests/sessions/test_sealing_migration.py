"""The migrations that sealed set content: existing rows are encrypted in place, a second run
changes nothing, and going back puts the plaintext back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alsspace.crypto import decrypt, encrypt_existing
from sessions.models import Action, AirtimeSlot, Meeting
from tests.sessions.builders import action, slot
from tests.sessions.factories import MeetingFactory

BEFORE = [("meetings", "0006_dates_within_calendar")]
AFTER = [("meetings", "0008_encrypt_set_content")]


def latest():
    """Every app at its newest migration: a later migration of another app may depend on
    AFTER, so migrating to AFTER alone can leave the schema behind the code."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def raw(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def rows(transactional_db, world):
    """Set content of each kind, with the text it holds: {name: (model, column, pk, text)};
    every app back at its newest migration afterwards."""
    meeting = MeetingFactory(learning_set=world.learning_set)
    Meeting.objects.filter(pk=meeting.pk).update(process_review="We listened better today.")
    slot_row = slot(meeting, world.member)
    yield {
        "review": (Meeting, "process_review", meeting.pk, "We listened better today."),
        "action": (
            Action,
            "text",
            action(meeting, world.member, "Ask Jo for the budget").pk,
            "Ask Jo for the budget",
        ),
        "topic": (AirtimeSlot, "topic", slot_row.pk, slot_row.topic),
    }
    migrate(latest())


def test_going_back_decrypts_and_coming_forward_encrypts_again(rows):
    try:
        migrate(BEFORE)
        for name, (model, column, pk, text) in rows.items():
            assert raw(model, column, pk) == text, name

        migrate(AFTER)
        for name, (model, column, pk, text) in rows.items():
            stored = raw(model, column, pk)
            assert stored.startswith("gAAAAA"), name
            assert decrypt(stored) == text, name
    finally:
        migrate(AFTER)


def test_encrypting_again_leaves_tokens_as_they_are(rows):
    model, column, pk, _ = rows["action"]
    before = raw(model, column, pk)
    historical = migrate(AFTER)

    encrypt_existing("meetings", "Action", "text")(historical, None)

    assert raw(model, column, pk) == before
