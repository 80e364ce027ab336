"""Published pulse results are final (docs/confidentiality.md#the-pulse). A facilitator who
marks one more member present and a programme admin who reopens the pulse window cannot,
between them, read that member's answers from the difference between two looks at the
results."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions import pulse
from sessions.models import Attendance, Meeting, PulseReceipt, PulseTally
from sessions.services.pulse import answer_pulse
from sets.models import LearningSet
from tests.factories import SetFactory
from tests.sessions.builders import add_members, attend, attend_all, held_meetings, safe_pulse
from tests.sessions.factories import MeetingFactory

SAFE = {f"item_{n}": (2 if n in (1, 3, 5) else 6) for n in range(1, 8)}  # 6.0 overall


def unsafe_form():
    return {f"item_{n}": ("7" if n in (1, 3, 5) else "1") for n in range(1, 8)}  # 1.0 overall


def results_url(meeting):
    return reverse("meetings:pulse_results", args=[meeting.pk])


def pulse_url(meeting):
    return reverse("meetings:pulse", args=[meeting.pk])


def set_form(learning_set, **changes):
    """The programme admin's set form as the page fills it in, with `changes`."""
    data = {
        "name": learning_set.name,
        "purpose": learning_set.purpose,
        "status": learning_set.status,
        "quorum": learning_set.quorum,
        "airtime_mode": learning_set.airtime_mode,
        "default_place": learning_set.default_place,
        "default_video_link": learning_set.default_video_link,
        "default_length_minutes": learning_set.default_length_minutes,
        "reminder_hours": learning_set.reminder_hours,
        "pulse_window_days": learning_set.pulse_window_days,
    }
    return {**data, **changes}


def figures(result):
    return result.responses, result.overall, [row.score for row in result.items]


def tallies(meeting):
    return sorted(PulseTally.objects.filter(meeting=meeting).values_list("item", "point", "count"))


@pytest.fixture
def answered(world):
    """A meeting that ended nine and a half days ago, whatever the time of day, whose seven-day
    pulse three members answered while it was open; Maya, marked absent, did not."""
    meeting = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=timezone.now() - timedelta(days=9, hours=16),  # four hours long
        status="held",
    )
    others = add_members(world.learning_set, 3, world.contract)
    attend_all([meeting], others)
    attend(meeting, world.member, "absent")
    for person in others:
        answer_pulse(meeting, person, SAFE, now=meeting.ends_at + timedelta(days=1))
    return Meeting.objects.get(pk=meeting.pk)


@pytest.mark.parametrize("days", ["61", "0", "99999999999"])
def test_a_window_out_of_range_is_refused_by_its_own_rule(client, world, answered, days):
    client.force_login(world.admin)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])
    refused = client.post(edit, set_form(world.learning_set, pulse_window_days=days))
    assert refused.status_code == 400
    assert "Ensure this value is" in refused.content.decode()
    world.learning_set.refresh_from_db()
    assert world.learning_set.pulse_window_days == 7


def test_the_colluders_sequence_reveals_nothing(client, world, answered, post_panel):
    # The facilitator looks: the results are shown, and so published.
    client.force_login(world.facilitator)
    first = client.get(results_url(answered)).context["result"]
    assert first.shown
    assert figures(first) == (3, 6, [6] * 7)

    # The facilitator marks Maya present after all.
    post_panel("meeting_attendance", answered, member=world.member.pk, status="present")
    assert Attendance.objects.get(meeting=answered, user=world.member).status == "present"

    # The programme admin lengthens the set's pulse window to reopen the pulse: refused.
    client.force_login(world.admin)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])
    refused = client.post(edit, set_form(world.learning_set, pulse_window_days="30"))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "have been shown, and shown results never change" in body
    assert "Choose a window of at most 9 days." in body
    world.learning_set.refresh_from_db()
    assert world.learning_set.pulse_window_days == 7

    # Maya tries to answer: the pulse has closed.
    client.force_login(world.member)
    answered_page = client.post(pulse_url(answered), unsafe_form())
    assert answered_page.status_code == 400
    assert "has closed" in answered_page.content.decode()

    # The facilitator looks again: the same figures, with nothing of Maya in them.
    client.force_login(world.facilitator)
    assert figures(client.get(results_url(answered)).context["result"]) == figures(first)
    assert not PulseReceipt.objects.filter(meeting=answered, user=world.member).exists()


def test_published_results_refuse_answers_whatever_the_window_becomes(client, world, answered):
    before = pulse.result(answered)
    assert before.shown
    counted = tallies(answered)
    attend(answered, world.member, "present")
    # Around the form: straight into the database, as an operator or a race could leave it.
    LearningSet.objects.filter(pk=world.learning_set.pk).update(pulse_window_days=60)
    meeting = Meeting.objects.get(pk=answered.pk)
    assert pulse.closes_at(meeting) > meeting.ends_at + timedelta(days=30)

    assert pulse.state(meeting, world.member) is pulse.State.CLOSED
    with pytest.raises(ValidationError, match="has closed"):
        answer_pulse(meeting, world.member, SAFE)
    client.force_login(world.member)
    assert client.post(pulse_url(meeting), unsafe_form()).status_code == 400

    assert tallies(meeting) == counted
    assert figures(pulse.result(meeting)) == figures(before)


def test_results_are_published_once_at_the_first_look_after_the_close(world, answered):
    assert answered.pulse_published_at is None
    still_open = answered.ends_at + timedelta(days=3)
    assert not pulse.result(answered, now=still_open).shown
    answered.refresh_from_db()
    assert answered.pulse_published_at is None  # a look while it is open publishes nothing

    pulse.result(answered)
    answered.refresh_from_db()
    published_at = answered.pulse_published_at
    assert published_at is not None

    pulse.result(answered)
    answered.refresh_from_db()
    assert answered.pulse_published_at == published_at


def test_the_model_refuses_a_window_that_reopens_published_results(world, answered):
    """The operator admin's set form validates through the model, as the admin's does."""
    pulse.result(answered)
    learning_set = LearningSet.objects.get(pk=world.learning_set.pk)
    learning_set.pulse_window_days = 10

    with pytest.raises(ValidationError) as refused:
        learning_set.full_clean()

    assert "pulse_window_days" in refused.value.message_dict
    learning_set.pulse_window_days = 9
    learning_set.full_clean()


def test_results_nobody_has_looked_at_yet_are_published_before_the_window_can_change(
    client, world, answered
):
    """Closed with enough answers is published, seen or not: the window cannot reopen it."""
    assert Meeting.objects.get(pk=answered.pk).pulse_published_at is None
    client.force_login(world.admin)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])

    refused = client.post(edit, set_form(world.learning_set, pulse_window_days="30"))

    assert refused.status_code == 400
    assert Meeting.objects.get(pk=answered.pk).pulse_published_at is not None


def test_a_pulse_that_closed_without_enough_answers_may_be_reopened(client, world):
    """Nothing was shown, so answers after a longer window give one set of figures only."""
    (meeting,) = held_meetings(world.learning_set, 1, last_days_ago=10)
    others = add_members(world.learning_set, 2, world.contract)
    attend_all([meeting], [*others, world.member])
    for person in others:
        answer_pulse(meeting, person, SAFE, now=meeting.ends_at + timedelta(days=1))
    assert not pulse.result(meeting).shown

    client.force_login(world.admin)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])
    saved = client.post(edit, set_form(world.learning_set, pulse_window_days="14"))
    assert saved.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    answer_pulse(meeting, world.member, SAFE)
    assert not pulse.result(meeting).shown  # open again until day 14

    closed = pulse.result(meeting, now=pulse.closes_at(meeting))
    assert closed.shown
    assert figures(closed) == (3, 6, [6] * 7)


def test_a_raised_threshold_does_not_take_published_results_back(client, world, answered):
    first = pulse.result(answered)
    world.programme.pulse_threshold = 5
    world.programme.save()

    again = pulse.result(Meeting.objects.get(pk=answered.pk))

    assert again.shown
    assert figures(again) == figures(first)


def test_a_shorter_window_is_always_fine(client, world, answered):
    pulse.result(answered)
    client.force_login(world.admin)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])

    saved = client.post(edit, set_form(world.learning_set, pulse_window_days="3"))

    assert saved.status_code == 302
    world.learning_set.refresh_from_db()
    assert world.learning_set.pulse_window_days == 3


def test_a_new_threshold_publishes_what_closed_under_the_old_one_first(client, world, answered):
    """Raising the threshold cannot hold back results that closed with enough answers,
    seen or not, so that the window could reopen them."""
    assert Meeting.objects.get(pk=answered.pk).pulse_published_at is None
    client.force_login(world.admin)
    programme = world.programme
    form = {
        "name": programme.name,
        "organisation": programme.organisation,
        "time_zone": programme.time_zone,
        "pulse_threshold": "5",
        "attendance_threshold": programme.attendance_threshold,
    }

    saved = client.post(reverse("sets:programme_edit", args=[programme.pk]), form)

    assert saved.status_code == 302
    meeting = Meeting.objects.get(pk=answered.pk)
    assert meeting.pulse_published_at is not None
    assert figures(pulse.result(meeting)) == (3, 6, [6] * 7)
    edit = reverse("sets:set_edit", args=[world.learning_set.pk])
    assert (
        client.post(edit, set_form(world.learning_set, pulse_window_days="30")).status_code == 400
    )


def test_publishing_takes_the_same_queries_however_many_pulses_are_due(world):
    def first_and_second_look(count):
        learning_set = SetFactory(programme=world.programme)
        meetings = held_meetings(learning_set, count)
        for meeting in meetings:
            safe_pulse(meeting, 3, 5)
        held = list(
            Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("learning_set")
        )
        with CaptureQueriesContext(connection) as first:
            shown = pulse.results(held, world.programme)
        with CaptureQueriesContext(connection) as second:
            pulse.results(held, world.programme)
        assert all(result.shown for result in shown.values())
        return len(first), len(second)

    assert first_and_second_look(1) == first_and_second_look(6)
    assert first_and_second_look(2)[1] == 1
