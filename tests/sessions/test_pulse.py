"""The anonymous pulse (docs/product.md#pulse, docs/confidentiality.md#the-pulse). A member
present at a held meeting answers once while it is open; results show only once it has closed
with enough answers; and nothing in the schema leads from an answer to a person."""

import random
from datetime import timedelta
from fractions import Fraction

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sessions import pulse
from sessions.models import Meeting, PulseReceipt, PulseTally
from tests.sessions.builders import attend, held_meetings, pulse_answers, safe_pulse
from tests.sessions.factories import MeetingFactory

ITEM_FIELDS = {f"item_{n}" for n in range(1, 8)}


def all_answers(score, **changes):
    return {**{field: str(score) for field in ITEM_FIELDS}, **changes}


@pytest.fixture
def recent(world):
    """A meeting of Set Alpha held two days ago, with Maya present: its pulse is open."""
    (meeting,) = held_meetings(world.learning_set, 1, last_days_ago=2)
    attend(meeting, world.member)
    return meeting


def pulse_url(meeting):
    return reverse("meetings:pulse", args=[meeting.pk])


def results_url(meeting):
    return reverse("meetings:pulse_results", args=[meeting.pk])


# Anonymous by construction


def test_answers_are_kept_only_as_tallies_with_no_path_to_a_person():
    assert "pulseresponse" not in {model._meta.model_name for model in apps.get_models()}
    fields = PulseTally._meta.get_fields()
    assert {f.name for f in fields} == {"id", "meeting", "item", "point", "count"}
    relations = [f for f in fields if f.is_relation]
    assert [(f.name, f.related_model) for f in relations] == [("meeting", Meeting)]
    # Nothing points at a tally: no reverse relation to follow from a person or receipt.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) is not PulseTally or (
                model is Meeting and not field.concrete
            ), f"{model.__name__}.{field.name} leads to pulse tallies"
    timed = (models.DateField, models.DateTimeField, models.TimeField)
    assert not [f.name for f in fields if isinstance(f, timed)]


def test_a_receipt_holds_nothing_about_the_answers():
    fields = PulseReceipt._meta.get_fields()
    assert {f.name for f in fields} == {"id", "meeting", "user"}
    assert {f.related_model for f in fields if f.is_relation} == {Meeting, get_user_model()}


def test_neither_is_in_the_django_admin():
    assert not admin.site.is_registered(PulseTally)
    assert not admin.site.is_registered(PulseReceipt)


def test_the_seven_statements_are_edmondsons_with_items_1_3_5_reversed():
    assert [item.field for item in pulse.ITEMS] == sorted(ITEM_FIELDS)
    assert [item.number for item in pulse.ITEMS if item.reverse] == [1, 3, 5]
    assert pulse.ITEMS[0].text == "If you make a mistake in this set, it is often held against you."
    assert [value for value, _ in pulse.SCALE] == list(range(1, 8))


# Answering


def test_a_member_who_was_there_answers_once(client, world, recent):
    client.force_login(world.member)
    page = client.get(pulse_url(recent))
    assert page.status_code == 200
    assert "Send my answers" in page.content.decode()

    response = client.post(pulse_url(recent), all_answers(6, item_1="2"))

    assert response.status_code == 302
    assert PulseReceipt.objects.filter(meeting=recent, user=world.member).count() == 1
    counted = PulseTally.objects.filter(meeting=recent, count__gt=0)
    assert sorted(counted.values_list("item", "point", "count")) == [
        (1, 2, 1),
        *((item, 6, 1) for item in range(2, 8)),
    ]
    again = client.post(pulse_url(recent), all_answers(1))
    assert again.status_code == 400
    assert "already answered" in again.content.decode()
    assert sum(PulseTally.objects.values_list("count", flat=True)) == 7
    assert "You have answered this pulse" in client.get(pulse_url(recent)).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        all_answers(4, item_3=""),
        all_answers(4, item_5="8"),
        all_answers(4, item_5="0"),
        all_answers(4, item_2="x"),
        all_answers(4, item_7="<script>alert(1)</script>"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(client, world, recent, data):
    client.force_login(world.member)

    response = client.post(pulse_url(recent), data)

    assert response.status_code == 400
    assert "Please answer every statement" in response.content.decode()
    assert not PulseTally.objects.exists()
    assert not PulseReceipt.objects.exists()


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("scheduled", "opens once the facilitator marks the meeting as held"),
        ("absent", "Only members who were at the meeting"),
        ("closed", "has closed"),
    ],
)
def test_a_member_who_may_not_answer_is_told_why(client, world, recent, situation, message):
    if situation == "scheduled":
        Meeting.objects.filter(pk=recent.pk).update(status="scheduled")
    elif situation == "absent":
        attend(recent, world.member, "apologies")
    else:
        Meeting.objects.filter(pk=recent.pk).update(
            starts_at=recent.starts_at - timedelta(days=30),
            ends_at=recent.ends_at - timedelta(days=30),
        )
    client.force_login(world.member)

    page = client.get(pulse_url(recent))
    posted = client.post(pulse_url(recent), all_answers(5))

    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Send my answers" not in page.content.decode()
    assert posted.status_code == 400
    assert message in posted.content.decode()
    assert not PulseTally.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("facilitator", 403), ("admin", 403), ("pending", 403), ("former", 404), ("outsider", 404)],
)
def test_only_members_answer(client, world, recent, role, status):
    attend(recent, world.pending)
    client.force_login(world.role(role))

    assert client.post(pulse_url(recent), all_answers(5)).status_code == status
    assert not PulseTally.objects.exists()


def test_the_window_is_the_sets(world, recent):
    world.learning_set.pulse_window_days = 1
    world.learning_set.save()
    recent.refresh_from_db()

    assert pulse.state(recent, world.member) is pulse.State.CLOSED


# Results


@pytest.fixture
def closed(world):
    """A meeting of Set Alpha held 40 days ago: its pulse has closed."""
    (meeting,) = held_meetings(world.learning_set, 1)
    return meeting


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_two_responses_show_nothing_but_that_there_are_not_enough(client, world, closed, role):
    safe_pulse(closed, 2, 6)
    client.force_login(world.role(role))

    response = client.get(results_url(closed))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not enough responses yet" in body
    assert "6.0" not in body
    assert "out of 7" not in body


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_three_responses_show_the_means(client, world, closed, role):
    safe_pulse(closed, 2, 6)
    safe_pulse(closed, 1, 3)  # overall (6 + 6 + 3) / 3 = 5.0
    client.force_login(world.role(role))

    response = client.get(results_url(closed))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not enough responses" not in body
    assert "5.0" in body
    assert "out of 7" in body


def test_a_programme_threshold_above_three_holds(world, closed):
    world.programme.pulse_threshold = 4
    world.programme.save()
    safe_pulse(closed, 3, 6)

    result = pulse.result(Meeting.objects.get(pk=closed.pk))

    assert not result.shown
    assert result.items == []


def test_reverse_scored_items_are_turned_around(world, closed):
    answers = {"item_1": 2, "item_2": 6, "item_3": 1, "item_4": 5, "item_5": 3}
    pulse_answers(closed, [{**answers, "item_6": 7, "item_7": 4}] * 3)

    result = pulse.result(closed)

    assert [float(row.score) for row in result.items] == [6, 6, 7, 5, 5, 7, 4]
    assert result.overall_rounded == 5.7


def test_results_wait_until_the_pulse_closes(client, world, recent):
    safe_pulse(recent, 5, 6)
    client.force_login(world.facilitator)

    body = client.get(results_url(recent)).content.decode()

    assert "The pulse is open until" in body
    assert "5 members have answered so far" in body
    assert "out of 7" not in body


@pytest.mark.parametrize(("role", "status"), [("admin", 403), ("pending", 403), ("former", 404)])
def test_results_are_not_for_admins_or_members_outside_the_contract(
    client, world, closed, role, status
):
    safe_pulse(closed, 5, 6)
    client.force_login(world.role(role))

    response = client.get(results_url(closed))

    assert response.status_code == status
    assert "out of 7" not in response.content.decode()


# The meeting page's panel


def render_panel(meeting, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load pulse %}{% pulse_panel meeting %}")
    return template.render(Context({"meeting": meeting, "request": request}))


def test_the_panel_invites_a_member_who_was_there(world, recent):
    assert "Answer the pulse" in render_panel(recent, world.member)
    assert "Answer the pulse" not in render_panel(recent, world.facilitator)
    assert "Pulse results" in render_panel(recent, world.facilitator)
    assert render_panel(recent, world.admin).strip() == ""


def test_the_panel_is_silent_before_the_meeting_is_held(world):
    meeting = MeetingFactory(learning_set=world.learning_set, starts_at=timezone.now())
    assert render_panel(meeting, world.member).strip() == ""


# Tallies


def test_the_figures_are_the_means_of_the_answers_given(world):
    """Each statement's score is the mean of its answers, turned around for items 1, 3 and 5,
    and the overall score their mean, worked out here from the answers themselves."""
    rng = random.Random(12)
    meetings = held_meetings(world.learning_set, 4)
    given = {}
    for count, meeting in zip([3, 5, 8, 17], meetings, strict=True):
        given[meeting.pk] = [
            {field: rng.randint(1, 7) for field in sorted(ITEM_FIELDS)} for _ in range(count)
        ]
        pulse_answers(meeting, given[meeting.pk])

    results = pulse.results(meetings, world.programme)

    for meeting in meetings:
        answer_sets = given[meeting.pk]
        expected = []
        for item in pulse.ITEMS:
            mean = Fraction(sum(a[item.field] for a in answer_sets), len(answer_sets))
            expected.append(8 - mean if item.reverse else mean)
        result = results[meeting.pk]
        assert result.responses == len(answer_sets)
        assert [row.score for row in result.items] == expected
        assert result.overall == sum(expected) / 7
    assert [results[m.pk].overall_rounded for m in meetings] == [3.9, 4.3, 4.0, 4.1]
