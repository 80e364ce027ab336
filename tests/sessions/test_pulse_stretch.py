"""The pulse dip, read beside challenge (docs/signals.md#pulse-dip): on built histories, a
dip in safety with low or no challenge prompts as danger, a dip with challenge at the stretch
mark or above prompts as stretch, no dip prompts nothing, and a programme that switched
challenge off is read as before."""

from decimal import Decimal

import pytest
from django.utils import timezone

from sessions.inaction import history
from sessions.inaction.detection import pulse_dip
from sessions.inaction.reconcile import detect_inaction
from sessions.inaction.thresholds import Thresholds
from sessions.models import InactionPrompt, PulseItem, SignalThresholds
from tests.sessions.builders import ask_challenge, held_meetings, safe_pulse, stretch_pulse

Signal = InactionPrompt.Signal


@pytest.fixture
def meetings(world):
    return held_meetings(world.learning_set, 2)


def findings(world):
    data = history.load(world.learning_set)
    return list(pulse_dip(data, Thresholds.for_set(world.learning_set)))


def the_prompt(world):
    detect_inaction(world.learning_set)
    (prompt,) = InactionPrompt.objects.filter(learning_set=world.learning_set, signal="pulse_dip")
    return prompt


def test_a_dip_with_high_challenge_reads_as_stretch(world, meetings):
    before, after = meetings
    ask_challenge(world.programme)
    stretch_pulse(before, 4, 6, 4)
    stretch_pulse(after, 4, 5, 6)  # safety 6 → 5, challenge 6

    (finding,) = findings(world)
    assert finding.facts == {"was": 6.0, "now": 5.0, "challenge": 6.0, "reading": "stretch"}
    prompt = the_prompt(world)
    assert "reads as stretch" in prompt.summary
    assert "challenge score was 6.0" in prompt.summary
    assert "stretch asking of the set" in prompt.suggested_question
    assert "safe it feels" not in prompt.suggested_question


def test_challenge_exactly_at_the_mark_is_stretch_and_just_below_is_danger(world, meetings):
    before, after = meetings
    ask_challenge(world.programme)
    stretch_pulse(before, 3, 6, 5)
    stretch_pulse(after, 2, 5, 5)
    stretch_pulse(after, 1, 5, 4)  # challenge 14/3, just under 5
    (finding,) = findings(world)
    assert finding.facts["reading"] == "danger"
    assert finding.facts["challenge"] == 4.7
    assert Thresholds.for_set(world.learning_set).stretch_mark == 5  # the default mark


@pytest.mark.parametrize(
    ("mark", "reading"),
    [("4.5", "stretch"), ("4.66", "stretch"), ("4.67", "danger"), ("6", "danger")],
)
def test_a_programme_sets_its_own_stretch_mark(world, meetings, mark, reading):
    """Challenge 14/3 (4.666…, shown as 4.7) reaches a mark of 4.5 or 4.66, so the dip is
    stretch; a mark of 4.67 is just above it, so the same dip is danger."""
    before, after = meetings
    ask_challenge(world.programme)
    SignalThresholds.objects.create(programme=world.programme, stretch_mark=Decimal(mark))
    stretch_pulse(before, 3, 6, 5)
    stretch_pulse(after, 2, 5, 5)
    stretch_pulse(after, 1, 5, 4)

    (finding,) = findings(world)
    assert finding.facts["reading"] == reading
    assert ("reads as stretch" in the_prompt(world).summary) == (reading == "stretch")


def test_a_programme_mark_does_not_make_a_dip_without_challenge_stretch(world, meetings):
    before, after = meetings
    SignalThresholds.objects.create(programme=world.programme, stretch_mark=Decimal("4"))
    safe_pulse(before, 3, 6)
    safe_pulse(after, 3, 4)
    (finding,) = findings(world)
    assert finding.facts["reading"] == "danger"


def test_a_dip_with_low_challenge_stays_a_danger_prompt(world, meetings):
    before, after = meetings
    ask_challenge(world.programme)
    stretch_pulse(before, 3, 6, 3)
    stretch_pulse(after, 3, 4, 2)

    (finding,) = findings(world)
    assert finding.facts["reading"] == "danger"
    prompt = the_prompt(world)
    assert "fell from 6.0 to 4.0" in prompt.summary
    assert "challenge score was only 2.0" in prompt.summary
    assert "stretch" not in prompt.summary
    assert (
        prompt.suggested_question == "What has changed in how safe it feels to speak openly here?"
    )


def test_high_challenge_without_a_dip_prompts_nothing(world, meetings):
    before, after = meetings
    ask_challenge(world.programme)
    stretch_pulse(before, 3, 5, 7)
    stretch_pulse(after, 3, 5, 7)
    assert findings(world) == []
    detect_inaction(world.learning_set)
    assert not InactionPrompt.objects.filter(signal=Signal.PULSE_DIP).exists()


def test_a_programme_without_challenge_reads_a_dip_as_before(world, meetings):
    before, after = meetings
    safe_pulse(before, 3, 6)
    safe_pulse(after, 3, 4)
    (finding,) = findings(world)
    assert finding.facts == {"was": 6.0, "now": 4.0, "challenge": None, "reading": "danger"}
    prompt = the_prompt(world)
    assert "fell from 6.0 to 4.0 (out of 7)" in prompt.summary
    assert "challenge" not in prompt.summary
    assert (
        prompt.suggested_question == "What has changed in how safe it feels to speak openly here?"
    )


def test_challenge_switched_off_after_a_stretched_meeting_reads_the_later_dip_as_danger(
    world,
):
    first, second, third = held_meetings(world.learning_set, 3)
    ask_challenge(world.programme)
    stretch_pulse(first, 3, 6, 6)
    stretch_pulse(second, 3, 6, 6)
    # The programme stops asking challenge; the third meeting is asked safety only.
    PulseItem.objects.filter(programme=world.programme, dimension="challenge").update(
        retired_at=timezone.now()
    )
    safe_pulse(third, 3, 5)
    data = history.load(world.learning_set)
    assert data.pulse[second.pk].challenge == 6 and data.pulse[second.pk].overall == 6
    assert data.pulse[third.pk].challenge is None
    (finding,) = findings(world)
    assert finding.meetings == (second, third)
    assert finding.facts["reading"] == "danger"
    assert finding.facts["challenge"] is None
