"""A programme's pulse statements (docs/product.md#pulse): its admins choose them and switch
challenge on; a meeting keeps the statements it was first answered with, so published
results never change; results show safety and challenge apart, and a mean of few answers
carries its margin (docs/product.md#small-numbers)."""

import itertools
import re
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from sessions import pulse
from sessions.audit_actions import MeetingAction
from sessions.models import PulseItem, PulseReceipt, PulseTally
from sessions.services.pulse import answer_pulse
from tests.factories import ProgrammeFactory
from tests.sessions.builders import (
    ask_challenge,
    attend,
    held_meetings,
    safe_pulse,
    stretch_pulse,
)


def items_url(programme):
    return reverse("meetings:pulse_items", args=[programme.pk])


def form_data(items, challenge=False, **changes):
    """The items page's form as the page fills it in for `items`, with `changes` on top."""
    data = {"challenge": "on"} if challenge else {}
    for item in items:
        data[f"item_{item.number}-text"] = item.text
        data[f"item_{item.number}-dimension"] = item.dimension
        if item.reverse:
            data[f"item_{item.number}-reverse"] = "on"
    for index in range(1, 4):
        data[f"new_{index}-dimension"] = "safety"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def active(programme):
    return list(
        PulseItem.objects.filter(programme=programme, retired_at__isnull=True).values_list(
            "number", "text", "dimension"
        )
    )


def snapshot(programme):
    return sorted(
        PulseItem.objects.filter(programme=programme).values_list(
            "number", "text", "reverse", "dimension", "position", "retired_at"
        )
    )


# Every programme starts with Edmondson's seven


def test_a_new_programme_asks_edmondsons_seven(db):
    programme = ProgrammeFactory()
    assert active(programme) == [(i.number, i.text, "safety") for i in pulse.ITEMS]
    assert [i.reverse for i in PulseItem.objects.filter(programme=programme)] == [
        i.reverse for i in pulse.ITEMS
    ]


# The page


def test_the_admin_sees_the_statements_and_reaches_them_from_the_programme(client, world):
    client.force_login(world.admin)
    programme_page = client.get(world.programme.get_absolute_url()).content.decode()
    assert items_url(world.programme) in programme_page
    page = client.get(items_url(world.programme)).content.decode()
    for item in pulse.ITEMS:
        assert item.text in page


def test_changing_a_statement_retires_it_and_asks_the_new_words(client, world):
    client.force_login(world.admin)
    data = form_data(pulse.ITEMS, **{"item_4-text": "It is safe to take a risk here."})
    response = client.post(items_url(world.programme), data)
    assert response.status_code == 302
    numbers = [number for number, _, _ in active(world.programme)]
    assert numbers == [1, 2, 3, 8, 5, 6, 7]
    old = PulseItem.objects.get(programme=world.programme, number=4)
    assert old.text == pulse.ITEMS[3].text and old.retired_at is not None
    assert PulseItem.objects.get(programme=world.programme, number=8).text == (
        "It is safe to take a risk here."
    )
    (event,) = AuditEvent.objects.filter(action=MeetingAction.PULSE_ITEMS_CHANGED)
    assert event.actor == world.admin and event.programme_id == world.programme.pk
    assert event.detail == {"added": 1, "retired": 1, "challenge": False}


def test_nothing_changed_writes_nothing(client, world):
    client.force_login(world.admin)
    before = snapshot(world.programme)
    response = client.post(items_url(world.programme), form_data(pulse.ITEMS))
    assert response.status_code == 302
    assert snapshot(world.programme) == before
    assert not AuditEvent.objects.filter(action=MeetingAction.PULSE_ITEMS_CHANGED).exists()


def test_switching_challenge_on_adds_its_statements_and_off_retires_them(client, world):
    client.force_login(world.admin)
    client.post(items_url(world.programme), form_data(pulse.ITEMS, challenge=True))
    challenge = [row for row in active(world.programme) if row[2] == "challenge"]
    assert [text for _, text, _ in challenge] == [i.text for i in pulse.CHALLENGE_ITEMS]
    page = client.get(items_url(world.programme)).content.decode()
    (box,) = re.findall(r'<input[^>]*name="challenge"[^>]*>', page)
    assert "checked" in box

    current = [pulse.as_item(row) for row in pulse.programme_items(world.programme)]
    client.post(items_url(world.programme), form_data(current, challenge=False))
    assert [row[2] for row in active(world.programme)] == ["safety"] * 7
    assert (
        PulseItem.objects.filter(
            programme=world.programme, dimension="challenge", retired_at__isnull=False
        ).count()
        == 2
    )
    assert AuditEvent.objects.filter(action=MeetingAction.PULSE_ITEMS_CHANGED).count() == 2


def test_an_admin_adds_their_own_challenge_statement(client, world):
    client.force_login(world.admin)
    data = form_data(
        pulse.ITEMS,
        challenge=True,
        **{"new_1-text": "I tried something new.", "new_1-dimension": "challenge"},
    )
    client.post(items_url(world.programme), data)
    challenge = [text for _, text, dim in active(world.programme) if dim == "challenge"]
    assert challenge == ["I tried something new."]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({f"item_{n}-text": "" for n in range(1, 8)}, "at least one safety statement"),
        ({"item_2-dimension": "danger"}, "Select a valid choice"),
        ({"item_2-text": "x" * 301}, "at most 300 characters"),
        ({f"new_{n}-text": f"Extra {n}" for n in range(1, 4)}, None),
    ],
)
def test_bad_input_is_refused_with_nothing_written(client, world, changes, message):
    client.force_login(world.admin)
    if message is None:  # a full page of new rows is fine; more than the maximum is not
        for round_ in range(4):
            client.post(
                items_url(world.programme),
                form_data(
                    [pulse.as_item(r) for r in pulse.programme_items(world.programme)],
                    **{f"new_{n}-text": f"Extra {round_}.{n}" for n in range(1, 4)},
                ),
            )
        current = [pulse.as_item(r) for r in pulse.programme_items(world.programme)]
        assert len(current) == 19
        changes = {f"new_{n}-text": f"More {n}" for n in range(1, 4)}
        message = "at most 20 statements"
    else:
        current = pulse.ITEMS
    before = snapshot(world.programme)
    events = AuditEvent.objects.count()
    response = client.post(items_url(world.programme), form_data(current, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(world.programme) == before
    assert AuditEvent.objects.count() == events


def test_a_stale_form_does_not_bring_back_a_statement_another_admin_took_away(client, world):
    client.force_login(world.admin)
    stale = form_data(pulse.ITEMS, **{"item_2-text": "Members raise tough issues."})
    client.post(items_url(world.programme), form_data(pulse.ITEMS, **{"item_2-text": ""}))
    before = snapshot(world.programme)
    response = client.post(items_url(world.programme), stale)
    # item_2 is no longer on the form, so its words are not read; nothing else changed.
    assert response.status_code == 302
    assert snapshot(world.programme) == before


# Answering and results


@pytest.fixture
def recent(world):
    (meeting,) = held_meetings(world.learning_set, 1, last_days_ago=2)
    attend(meeting, world.member)
    return meeting


def test_a_member_answers_the_programmes_own_statements_with_challenge(client, world, recent):
    client.force_login(world.admin)
    client.post(
        items_url(world.programme),
        form_data(pulse.ITEMS, challenge=True, **{"item_7-text": ""}),
    )
    asked = pulse.asked(recent)
    assert [i.number for i in asked] == [1, 2, 3, 4, 5, 6, 8, 9]
    client.force_login(world.member)
    page = client.get(reverse("meetings:pulse", args=[recent.pk])).content.decode()
    assert pulse.CHALLENGE_ITEMS[0].text in page
    assert pulse.ITEMS[6].text not in page
    answers = {item.field: "5" for item in asked}
    response = client.post(reverse("meetings:pulse", args=[recent.pk]), answers)
    assert response.status_code == 302
    assert sorted(
        PulseTally.objects.filter(meeting=recent, count=1).values_list("item", flat=True)
    ) == [1, 2, 3, 4, 5, 6, 8, 9]
    assert PulseTally.objects.filter(meeting=recent).count() == 8 * 7


def test_answers_to_statements_changed_since_the_page_opened_are_refused(client, world, recent):
    client.force_login(world.member)
    stale = {item.field: "6" for item in pulse.ITEMS}
    PulseItem.objects.filter(programme=world.programme, number=3).update(retired_at=timezone.now())
    PulseItem.objects.create(programme=world.programme, number=8, position=3, text="New words.")
    response = client.post(reverse("meetings:pulse", args=[recent.pk]), stale)
    assert response.status_code == 400
    assert "New words." in response.content.decode()
    with pytest.raises(ValidationError, match="changed while you answered"):
        answer_pulse(recent, world.member, {item.field: 6 for item in pulse.ITEMS})
    assert not PulseReceipt.objects.exists()
    assert not PulseTally.objects.exists()


def test_published_results_keep_the_statements_they_were_asked(client, world):
    first, second = held_meetings(world.learning_set, 2)
    safe_pulse(first, 4, 5)
    before = pulse.result(first)
    client.force_login(world.admin)
    client.post(
        items_url(world.programme),
        form_data(pulse.ITEMS, challenge=True, **{"item_1-text": "Mistakes are held against me."}),
    )
    asked = pulse.asked(second)
    assert "Mistakes are held against me." in [i.text for i in asked]
    after = pulse.result(first)
    assert after == before
    assert [row.item.text for row in after.items] == [i.text for i in pulse.ITEMS]
    assert after.challenge is None


def test_results_show_safety_and_challenge_apart(client, world):
    (meeting,) = held_meetings(world.learning_set, 1)
    ask_challenge(world.programme)
    stretch_pulse(meeting, 3, 4, 6)
    result = pulse.result(meeting)
    assert result.overall == 4 and result.challenge == 6
    assert [r.item.number for r in result.safety_items] == list(range(1, 8))
    assert [r.item.number for r in result.challenge_items] == [8, 9]
    client.force_login(world.facilitator)
    page = client.get(reverse("meetings:pulse_results", args=[meeting.pk])).content.decode()
    assert "how safe the set felt" in page
    assert "how far the set stretched its members" in page
    assert page.index(pulse.ITEMS[6].text) < page.index("Challenge</h2>")
    assert page.index("Challenge</h2>") < page.index(pulse.CHALLENGE_ITEMS[0].text)
    # Each part under its own heading: safety first, then challenge.
    assert page.index("Safety</h2>") < page.index(pulse.ITEMS[0].text)


def test_results_stay_one_query_however_many_meetings_and_statements(
    world, django_assert_num_queries
):
    ask_challenge(world.programme)
    meetings = held_meetings(world.learning_set, 6)
    for meeting in meetings:
        stretch_pulse(meeting, 3, 5, 6)
    pulse.results(meetings, world.programme)  # publishes them
    for count in (2, 6):
        with django_assert_num_queries(1):
            results = pulse.results(meetings[:count], world.programme)
        assert all(r.challenge == 6 for r in results.values())


# Small numbers


def test_a_mean_of_few_answers_carries_its_margin(client, world):
    few, many = held_meetings(world.learning_set, 2)
    safe_pulse(few, 4, 5)
    safe_pulse(many, 7, 5)
    client.force_login(world.facilitator)
    few_page = client.get(reverse("meetings:pulse_results", args=[few.pk])).content.decode()
    many_page = client.get(reverse("meetings:pulse_results", args=[many.pk])).content.decode()
    # Mean 5 of four answers: the largest standard error is √((5−1)(7−5)/4) = 1.4.
    assert pulse.result(few).overall_margin == 1.4
    assert "± 1.4" in few_page
    assert "largest standard error" in few_page
    assert "a mean can easily be off" in few_page
    # A programme that asks no challenge statements has one part, and no heading for it.
    assert "Safety</h2>" not in few_page
    assert pulse.result(many).overall_margin is None
    assert "±" not in many_page
    dashboard = client.get(reverse("meetings:dashboard", args=[world.learning_set.pk]))
    assert '5.0 <span class="text-body-secondary">± 1.4</span>' in dashboard.content.decode()


def test_the_margin_tells_nothing_the_mean_and_count_do_not():
    """Every way three to six answers on the scale could have fallen with the same sum shows
    the same margin: it cannot tell apart spreads the mean already hides."""
    for count in range(pulse.MIN_RESPONSES, pulse.FEW_RESPONSES + 1):
        margins_by_sum = {}
        for answers in itertools.combinations_with_replacement(range(1, 8), count):
            mean = Fraction(sum(answers), count)
            margins_by_sum.setdefault(sum(answers), set()).add(pulse.margin(mean, count))
        assert all(len(margins) == 1 for margins in margins_by_sum.values())
    assert pulse.margin(Fraction(4), 2) is None
    assert pulse.margin(Fraction(4), 7) is None
    assert pulse.margin(Fraction(7), 3) == 0.0


def test_one_programmes_statements_are_its_own(world):
    other = ProgrammeFactory()
    PulseItem.objects.filter(programme=world.programme, number=1).update(retired_at=timezone.now())
    assert [n for n, _, _ in active(other)] == list(range(1, 8))
    assert [n for n, _, _ in active(world.programme)] == list(range(2, 8))
