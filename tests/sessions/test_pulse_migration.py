"""Upgrading the pulse (docs/confidentiality.md#the-pulse): answers stored one row per person
before the tallies are counted into them, with the same figures, and the table of answers is
dropped; results already being shown are published, so they stay final."""

import random
from fractions import Fraction

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sessions import pulse
from sessions.models import Meeting, PulseTally
from tests.sessions.builders import held_meetings

BEFORE = [("meetings", "0003_attendance_of_erased_accounts")]


def latest():
    """Every app at its newest migration, as the code that reads the rows expects."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrations_undone(transactional_db):
    """Takes the database back to before the tallies when asked; forward again after."""
    yield lambda: migrate(BEFORE)
    migrate(latest())


def test_answers_are_counted_into_tallies_with_the_same_figures(world, migrations_undone):
    # Meetings held 58, 30 and 2 days ago: two closed pulses and one still open.
    closed, few, still_open = held_meetings(world.learning_set, 3, last_days_ago=2)
    before_tallies = migrations_undone()
    old_meeting = before_tallies.get_model("meetings", "Meeting")
    old_response = before_tallies.get_model("meetings", "PulseResponse")
    rng = random.Random(5)
    given = {
        closed.pk: [{f"item_{n}": rng.randint(1, 7) for n in range(1, 8)} for _ in range(6)],
        few.pk: [{f"item_{n}": rng.randint(1, 7) for n in range(1, 8)} for _ in range(2)],
        still_open.pk: [{f"item_{n}": rng.randint(1, 7) for n in range(1, 8)} for _ in range(4)],
    }
    for pk, answer_sets in given.items():
        meeting = old_meeting.objects.get(pk=pk)
        old_response.objects.bulk_create(old_response(meeting=meeting, **a) for a in answer_sets)

    migrate(latest())

    assert "meetings_pulseresponse" not in connection.introspection.table_names()
    meetings = list(Meeting.objects.filter(pk__in=given).select_related("learning_set"))
    published = {m.pk for m in meetings if m.pulse_published_at is not None}
    assert published == {closed.pk}
    results = pulse.results(meetings, world.programme)
    for pk, answer_sets in given.items():
        assert PulseTally.objects.filter(meeting=pk).count() == 49
        assert results[pk].responses == len(answer_sets)
    expected = []
    for item in pulse.ITEMS:
        mean = Fraction(sum(a[item.field] for a in given[closed.pk]), 6)
        expected.append(8 - mean if item.reverse else mean)
    assert [row.score for row in results[closed.pk].items] == expected
    assert not results[few.pk].shown
    assert not results[still_open.pk].shown
    assert pulse.closes_at(still_open) > timezone.now()
