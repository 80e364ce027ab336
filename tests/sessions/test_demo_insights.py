"""The demo sets open the dashboard (docs/signals.md#the-dashboard) with at least three kinds
of prompt and a pulse trend, and Set Hazel with a set-wide one
(docs/signals.md#same-airtime-order); seeding again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from sessions import pulse, queries
from sessions.demo.insights import seed_set_insights
from sessions.models import Action, InactionPrompt, PulseReceipt, PulseTally
from sets.models import LearningSet
from tests.factories import SetFactory
from tests.sessions.builders import held_meetings


@pytest.fixture
def demo_sets(settings, db):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    return list(LearningSet.objects.filter(name__in=["Set Aurora", "Set Birch"]))


def counts():
    return [model.objects.count() for model in (Action, PulseReceipt, PulseTally, InactionPrompt)]


def test_each_demo_set_shows_three_kinds_of_prompt_and_a_pulse_trend(demo_sets):
    assert len(demo_sets) == 2
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


def test_set_hazel_is_asked_about_its_airtime_order(demo_sets):
    hazel = LearningSet.objects.get(name="Set Hazel")

    (prompt,) = InactionPrompt.objects.filter(
        learning_set=hazel, signal="same_airtime_order", status="open"
    )

    assert prompt.member is None
    held = list(hazel.meetings.filter(status="held").order_by("starts_at"))
    assert list(prompt.evidence_meetings.order_by("starts_at")) == held
    assert "The same 3 members took airtime in the same order" in prompt.summary
    assert prompt.suggested_question.startswith("What does our usual order protect us from")
    # Aurora and Birch vary their order: no such prompt there.
    assert not InactionPrompt.objects.filter(
        learning_set__in=demo_sets, signal="same_airtime_order"
    ).exists()


def test_seeding_again_changes_nothing(demo_sets):
    before = counts()

    call_command("seed_demo", stdout=StringIO())

    assert counts() == before


def test_a_set_that_has_not_met_three_times_is_left_alone(demo_sets):
    learning_set = SetFactory(programme=demo_sets[0].programme, name="Set Cedar")
    held_meetings(learning_set, 2)

    assert seed_set_insights(learning_set) is False
    assert not Action.objects.filter(learning_set=learning_set).exists()
    assert not InactionPrompt.objects.filter(learning_set=learning_set).exists()


def test_set_aurora_reads_its_dip_as_stretch_and_set_birch_as_danger(demo_sets, client):
    by_name = {learning_set.name: learning_set for learning_set in demo_sets}
    readings = {}
    for name, learning_set in by_name.items():
        held = list(learning_set.meetings.filter(status="held"))
        shown = [r for r in pulse.results(held, learning_set.programme).values() if r.shown]
        latest = max(shown, key=lambda r: r.meeting.starts_at)
        assert latest.challenge is not None
        prompt = InactionPrompt.objects.get(
            learning_set=learning_set, signal="pulse_dip", status="open"
        )
        mark = queries.signal_thresholds(learning_set.programme).stretch_mark
        readings[name] = ("reads as stretch" in prompt.summary, latest.stretched(mark))
    assert readings == {"Set Aurora": (True, True), "Set Birch": (False, False)}

    aurora = by_name["Set Aurora"]
    facilitator = aurora.memberships.filter(role="facilitator").first().user
    client.force_login(facilitator)
    page = client.get(reverse("meetings:dashboard", args=[aurora.pk])).content.decode()
    assert "reads as stretch" in page
    assert "Challenge" in page
