"""The migration that moved the inaction thresholds from sets.Programme to
meetings.SignalThresholds keeps every programme's values, and going back restores them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sessions.models import SignalThresholds
from sets.models import Programme

BEFORE = [("meetings", "0008_encrypt_set_content"), ("sets", "0008_encrypt_contract_text")]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_back(transactional_db, world):
    yield migrate(BEFORE)
    migrate(latest())


def test_each_programme_keeps_its_thresholds_and_going_back_restores_them(world, migrated_back):
    OldProgramme = migrated_back.get_model("sets", "Programme")
    OldProgramme.objects.filter(pk=world.programme.pk).update(
        carried_action_meetings=4, pulse_dip=Decimal("1.25"), attendance_window=5
    )
    untouched = OldProgramme.objects.create(name="Untouched", time_zone="Europe/London")

    migrate(latest())

    moved = SignalThresholds.objects.get(programme=world.programme.pk)
    assert (moved.carried_action_meetings, moved.pulse_dip, moved.attendance_window) == (
        4,
        Decimal("1.25"),
        5,
    )
    assert moved.silent_member_meetings == 3
    assert SignalThresholds.objects.get(programme=untouched.pk).carried_action_meetings == 2
    assert Programme.objects.count() == SignalThresholds.objects.count()

    SignalThresholds.objects.filter(programme=world.programme.pk).update(silent_member_meetings=6)
    back = migrate(BEFORE).get_model("sets", "Programme").objects.get(pk=world.programme.pk)
    assert (back.carried_action_meetings, back.silent_member_meetings) == (4, 6)
