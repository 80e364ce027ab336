"""The home page's "Now" and "Coming up": each person's next meetings across their own sets
only."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.sessions.factories import MeetingFactory, days_from_now


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


def test_a_member_sees_their_next_meetings_and_no_other_sets(client, world):
    MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7), place="Room 9")
    MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(-7))
    MeetingFactory(learning_set=world.other_set, place="Beta's secret venue")

    body = home(client, world.member).content.decode()

    assert "Coming up" in body
    assert "Room 9" in body
    assert "Beta's secret venue" not in body
    assert body.count("Add to calendar") == 1


def test_former_members_and_outsiders_see_no_meetings(client, world):
    MeetingFactory(learning_set=world.learning_set, place="Room 9")

    for person in (world.former, world.outsider):
        body = home(client, person).content.decode()
        assert "Coming up" not in body
        assert "Room 9" not in body


def test_the_home_page_queries_do_not_grow_with_meetings(client, world):
    MeetingFactory(learning_set=world.learning_set)
    home(client, world.member)
    with CaptureQueriesContext(connection) as one:
        home(client, world.member)
    MeetingFactory.create_batch(5, learning_set=world.learning_set)
    with CaptureQueriesContext(connection) as six:
        home(client, world.member)

    assert len(one) == len(six)


def test_a_meeting_in_progress_is_now_with_a_link_to_its_page(client, world):
    under_way = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=timezone.now() - timedelta(minutes=30),
        place="Room 4",
    )
    later = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))

    for person in (world.member, world.facilitator):
        body = home(client, person).content.decode()
        now = body[body.index('id="now-heading"') : body.index('id="coming-up-heading"')]
        assert "Room 4" in now
        assert f'href="{under_way.get_absolute_url()}"' in now
        coming_up = body[body.index('id="coming-up-heading"') :]
        assert under_way.get_absolute_url() not in coming_up
        assert later.get_absolute_url() in coming_up


def test_without_a_meeting_in_progress_there_is_no_now(client, world):
    MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    body = home(client, world.member).content.decode()
    assert 'id="now-heading"' not in body
    assert "Coming up" in body
