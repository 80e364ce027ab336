"""The process review the set owns: members and the facilitator add to it after a meeting,
the set reads it, the facilitator's private note stays theirs, and the dashboard shows it
over time."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reflections.exports import my_data
from sessions.models import Meeting, ReviewContribution
from sets.models import LearningSet
from tests.sessions.factories import MeetingFactory


def held(world, days_ago=7, **fields):
    start = timezone.now() - timedelta(days=days_ago)
    return MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
        **fields,
    )


def contribute(client, meeting, **data):
    url = reverse("meetings:meeting_review_contribution", args=[meeting.pk])
    return client.post(url, {"how_we_worked": "", "do_differently": "", **data})


def test_members_add_to_the_review_and_the_set_reads_it(client, world):
    meeting = held(world, process_review="My private note on Maya.")
    client.force_login(world.member)
    response = contribute(client, meeting, how_we_worked="Good questions.", do_differently="Less")
    assert response.status_code == 302
    client.force_login(world.facilitator)
    contribute(client, meeting, do_differently="Start on time.")
    assert ReviewContribution.objects.filter(meeting=meeting).count() == 2

    client.force_login(world.member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Good questions." in body and "Start on time." in body
    assert "My private note on Maya." not in body
    client.force_login(world.facilitator)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Start on time." in body and "My private note on Maya." in body


def test_a_contribution_is_changed_and_taken_back(client, world):
    meeting = held(world)
    client.force_login(world.member)
    contribute(client, meeting, how_we_worked="First.")
    contribute(client, meeting, how_we_worked="Second.")
    assert ReviewContribution.objects.get(author=world.member).how_we_worked == "Second."
    assert contribute(client, meeting).status_code == 302
    assert not ReviewContribution.objects.exists()
    # With nothing saved, an empty one is refused.
    assert contribute(client, meeting).status_code == 400


def test_no_review_before_the_meeting_starts_or_once_the_set_closes(client, world):
    ahead = MeetingFactory(learning_set=world.learning_set)
    client.force_login(world.member)
    assert contribute(client, ahead, how_we_worked="Early").status_code == 403
    meeting = held(world)
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.save()
    assert contribute(client, meeting, how_we_worked="Late").status_code == 403
    assert not ReviewContribution.objects.exists()


def test_admins_and_pending_members_never_read_it(client, world):
    meeting = held(world)
    ReviewContribution.objects.create(meeting=meeting, author=world.member, how_we_worked="Hush")
    for person in (world.admin, world.pending):
        client.force_login(person)
        for url in (meeting.get_absolute_url(), world.learning_set.get_absolute_url()):
            assert "Hush" not in client.get(url).content.decode()


def test_the_dashboard_lists_what_the_set_will_do_differently_over_time(client, world):
    first, second = held(world, days_ago=40), held(world, days_ago=10)
    ReviewContribution.objects.create(meeting=first, author=world.member, do_differently="Pace")
    ReviewContribution.objects.create(meeting=second, author=world.member, do_differently="Pace!")
    ReviewContribution.objects.create(
        meeting=second, author=world.facilitator, how_we_worked="Quiet"
    )
    client.force_login(world.facilitator)
    body = client.get(reverse("meetings:dashboard", args=[world.learning_set.pk])).content
    body = body.decode()
    assert "The set’s reviews" in body
    # Latest meeting first, with its count.
    assert body.index("Pace!") < body.index("Pace <")
    assert "Nothing said" not in body


def dashboard_queries(client, world, meetings):
    for days in range(meetings):
        meeting = held(world, days_ago=10 + days * 30)
        ReviewContribution.objects.create(meeting=meeting, author=world.member, do_differently="x")
    client.force_login(world.facilitator)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("meetings:dashboard", args=[world.learning_set.pk]))
    return len(queries)


def test_the_dashboard_reads_reviews_in_a_fixed_number_of_queries(client, world):
    assert dashboard_queries(client, world, 1) == dashboard_queries(client, world, 3)


def test_members_keep_their_words_in_their_download(world):
    meeting = held(world)
    ReviewContribution.objects.create(
        meeting=meeting, author=world.member, how_we_worked="Mine", do_differently="Also mine"
    )
    (kept,) = my_data(world.member)["process_review_contributions"]
    assert kept["how_we_worked"] == "Mine" and kept["set"] == "Set Alpha"
    assert my_data(world.facilitator)["process_review_contributions"] == []
