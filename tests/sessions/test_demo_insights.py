"""Issue 5 §4: the demo sets open the dashboard with at least three kinds of prompt and a
pulse trend, once they have held meetings; seeding again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from sessions import pulse, queries
from sessions.demo import seed_demo_insights
from sessions.models import Action, InactionPrompt, PulseReceipt, PulseResponse
from sets.models import LearningSet
from tests.sessions.builders import attend_all, held_meetings, next_meeting


@pytest.fixture
def demo_sets(settings, db):
    """The demo programme's sets, each with four monthly meetings held and everyone there,
    and the next one scheduled: what the demo meetings give them."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    sets = list(LearningSet.objects.filter(name__in=["Set Aurora", "Set Birch"]))
    for learning_set in sets:
        meetings = held_meetings(learning_set, 4, last_days_ago=3)
        attend_all(meetings, queries.set_members(learning_set))
        next_meeting(learning_set, days=25)
    return sets


def counts():
    return [
        model.objects.count() for model in (Action, PulseReceipt, PulseResponse, InactionPrompt)
    ]


def test_each_demo_set_shows_three_kinds_of_prompt_and_a_pulse_trend(demo_sets):
    assert seed_demo_insights() == ["Set Aurora", "Set Birch"]

    for learning_set in demo_sets:
        signals = set(
            InactionPrompt.objects.filter(learning_set=learning_set, status="open").values_list(
                "signal", flat=True
            )
        )
        assert {"carried_action", "unreported_action", "pulse_dip"} <= signals
        held = list(learning_set.meetings.filter(status="held"))
        shown = [r for r in pulse.results(held, learning_set.programme).values() if r.shown]
        assert len(shown) >= 2


def test_seeding_again_changes_nothing(demo_sets):
    seed_demo_insights()
    before = counts()

    seed_demo_insights()

    assert counts() == before


def test_a_set_that_has_not_met_three_times_is_left_alone(settings, db):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    assert seed_demo_insights() == []
    assert counts() == [0, 0, 0, 0]
