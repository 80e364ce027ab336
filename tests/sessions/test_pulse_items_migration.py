"""Upgrading to programme pulse statements (docs/product.md#pulse): every existing programme
is given Edmondson's seven as the statements its tallies count, and its tallies and published
results are the same before and after."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sessions import pulse
from sessions.models import Meeting, PulseItem, PulseTally
from tests.sessions.builders import held_meetings, pulse_answers


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before():
    """The meetings app just before the statements; every other app as it is."""
    others = [node for node in latest() if node[0] != "meetings"]
    return [("meetings", "0014_slot_learning_noted"), *others]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrations_undone(transactional_db):
    yield lambda: migrate(before())
    migrate(latest())


def tallies():
    return sorted(PulseTally.objects.values_list("meeting", "item", "point", "count"))


def published(world):
    meetings = list(
        Meeting.objects.filter(learning_set=world.learning_set).select_related("learning_set")
    )
    return {
        pk: (r.responses, r.overall, [(i.item.number, i.score) for i in r.items], r.shown)
        for pk, r in pulse.results(meetings, world.programme).items()
    }


def test_existing_programmes_get_the_seven_and_results_stay_the_same(world, migrations_undone):
    closed, few, still_open = held_meetings(world.learning_set, 3, last_days_ago=2)
    pulse_answers(closed, [{f"item_{n}": (n * k) % 7 + 1 for n in range(1, 8)} for k in range(5)])
    pulse_answers(few, [{f"item_{n}": n for n in range(1, 8)}] * 2)
    pulse_answers(still_open, [{f"item_{n}": 8 - n for n in range(1, 8)}] * 4)
    results_before, tallies_before = published(world), tallies()
    assert results_before[closed.pk][3] and not results_before[few.pk][3]

    old = migrations_undone()
    assert "meetings_pulseitem" not in connection.introspection.table_names()
    newer = old.get_model("sets", "Programme").objects.create(
        name="Older programme", organisation="Northfield", time_zone="Europe/London"
    )

    migrate(latest())

    for programme in (world.programme.pk, world.other_set.programme_id, newer.pk):
        items = PulseItem.objects.filter(programme=programme)
        assert [(i.number, i.text, i.reverse, i.dimension) for i in items] == [
            (i.number, i.text, i.reverse, "safety") for i in pulse.ITEMS
        ]
    assert tallies() == tallies_before
    assert published(world) == results_before
