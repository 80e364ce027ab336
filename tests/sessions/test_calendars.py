"""The .ics files and the private feed, parsed back as a calendar app would read them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from sessions.models import AirtimeSlot, CalendarFeed, Meeting
from sessions.services.scheduling import cancel_meeting, change_meeting
from sets.models import Programme
from tests.factories import MembershipFactory
from tests.sessions.factories import MeetingFactory, days_from_now
from tests.sessions.ics import parse_ics

SECRET_TOPIC = "Secret topic: whether to resign before the merger"


def meeting_ics(client, meeting):
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def test_a_meetings_ics_holds_its_schedule_and_nothing_said_in_the_set(client, world, meeting):
    AirtimeSlot.objects.create(meeting=meeting, presenter=world.member, topic=SECRET_TOPIC)
    client.force_login(world.member)
    response = meeting_ics(client, meeting)
    assert response["Content-Disposition"].startswith('attachment; filename="set-alpha-')
    assert SECRET_TOPIC not in response.content.decode()
    [event] = parse_ics(response.content)
    assert str(event["uid"]) == f"{meeting.uid}@alsspace"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert event.decoded("dtstamp") is not None
    assert str(event["summary"]) == "Set Alpha meeting"
    assert str(event["location"]) == "Room 4, Northfield House"
    assert str(event["status"]) == "CONFIRMED"
    # A meeting with a place and a video link: the place is where, the link its address.
    assert str(event["url"]) == "https://video.example.org/alpha"
    assert "https://video.example.org/alpha" in str(event["description"])
    assert f"{settings.SITE_URL}{meeting.get_absolute_url()}" in str(event["description"])


@pytest.mark.parametrize(
    ("zone", "starts_at", "named"),
    [
        # 00:30 on 15 July in London is 23:30 on 14 July in UTC.
        ("Europe/London", datetime(2026, 7, 14, 23, 30, tzinfo=UTC), "2026-07-15"),
        # 23:30 on 14 July in New York is 03:30 on 15 July in UTC.
        ("America/New_York", datetime(2026, 7, 15, 3, 30, tzinfo=UTC), "2026-07-14"),
    ],
)
def test_a_meetings_file_is_named_after_its_date_where_the_set_meets(
    client, world, zone, starts_at, named
):
    Programme.objects.filter(pk=world.programme.pk).update(time_zone=zone)
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3)
    )
    client.force_login(world.member)
    response = meeting_ics(client, meeting)
    assert response["Content-Disposition"] == f'attachment; filename="set-alpha-{named}.ics"'


def test_the_uid_stays_and_the_sequence_rises_through_a_move_and_a_cancellation(
    client, world, meeting
):
    client.force_login(world.member)
    uids, sequences, statuses = [], [], []

    def read():
        [event] = parse_ics(meeting_ics(client, meeting).content)
        uids.append(str(event["uid"]))
        sequences.append(int(event["sequence"]))
        statuses.append(str(event["status"]))
        return event

    read()
    change_meeting(
        meeting,
        starts_at=meeting.starts_at + timedelta(days=1),
        ends_at=meeting.ends_at + timedelta(days=1),
        place="The Boardroom",
        video_link="",
    )
    moved = read()
    assert moved.decoded("dtstart") == meeting.starts_at + timedelta(days=1)
    assert str(moved["location"]) == "The Boardroom"
    cancel_meeting(meeting)
    read()
    assert uids == [f"{meeting.uid}@alsspace"] * 3
    assert sequences == [0, 1, 2]
    assert statuses == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_a_sets_ics_holds_every_meeting_of_that_set_only(client, world, meeting, past_meeting):
    cancelled = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(30), status="cancelled"
    )
    MeetingFactory(learning_set=world.other_set)
    client.force_login(world.admin)
    response = client.get(reverse("meetings:set_ics", args=[world.learning_set.pk]))
    assert response.status_code == 200
    events = parse_ics(response.content)
    assert {str(e["uid"]) for e in events} == {
        f"{m.uid}@alsspace" for m in (meeting, past_meeting, cancelled)
    }
    statuses = {str(e["uid"]): str(e["status"]) for e in events}
    assert statuses[f"{cancelled.uid}@alsspace"] == "CANCELLED"


# The private feed


def feed_url(feed):
    return reverse("meetings:calendar_feed", args=[feed.token])


def make_feed(client, user):
    client.force_login(user)
    response = client.post(reverse("meetings:calendar_feed_regenerate"))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:my_calendar")
    return CalendarFeed.objects.get(user=user)


def test_the_feed_holds_all_my_meetings_across_my_current_sets(client, world, meeting):
    other = MeetingFactory(learning_set=world.other_set, starts_at=days_from_now(3))
    cancelled = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(21), status="cancelled"
    )
    left = MeetingFactory(learning_set=MembershipFactory(user=world.member).learning_set)
    left.learning_set.memberships.filter(user=world.member).update(left_at=days_from_now(-1))
    MembershipFactory(learning_set=world.other_set, user=world.member)
    AirtimeSlot.objects.create(meeting=meeting, presenter=world.member, topic=SECRET_TOPIC)
    feed = make_feed(client, world.member)
    client.logout()  # calendar apps cannot sign in: the secret URL is the key
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert SECRET_TOPIC not in response.content.decode()
    statuses = {str(e["uid"]): str(e["status"]) for e in parse_ics(response.content)}
    assert statuses == {
        f"{meeting.uid}@alsspace": "CONFIRMED",
        f"{other.uid}@alsspace": "CONFIRMED",
        f"{cancelled.uid}@alsspace": "CANCELLED",
    }


def test_a_new_address_kills_the_old_one(client, world, meeting):
    old = make_feed(client, world.member)
    new = make_feed(client, world.member)
    assert new.token != old.token
    client.logout()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_an_unknown_feed_is_not_found(client, db, token):
    assert client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 404


def test_a_deactivated_persons_feed_is_not_found(client, world):
    feed = make_feed(client, world.member)
    world.member.is_active = False
    world.member.save()
    client.logout()
    assert client.get(feed_url(feed)).status_code == 404


def test_the_calendar_page_offers_to_create_then_shows_the_address(client, world, meeting):
    client.force_login(world.member)
    page = reverse("meetings:my_calendar")
    body = client.get(page).content.decode()
    assert "Create my calendar address" in body
    # Set invitations carry no calendar file; the emails about meetings do.
    assert "every email about a meeting scheduled, moved or cancelled has it attached" in body
    assert not CalendarFeed.objects.exists()  # looking at the page creates nothing
    feed = make_feed(client, world.member)
    body = client.get(page).content.decode()
    assert f"http://testserver{feed_url(feed)}" in body
    assert 'data-copy-target="feed-url"' in body
    assert "Get a new address" in body
    assert "Room 4, Northfield House" in body  # the next meetings, across sets


def test_the_calendar_page_lists_only_scheduled_meetings_of_current_sets(client, world):
    MeetingFactory(learning_set=world.learning_set, place="Gone", status=Meeting.Status.CANCELLED)
    MeetingFactory(learning_set=world.learning_set, place="Former's room")
    client.force_login(world.former)
    body = client.get(reverse("meetings:my_calendar")).content.decode()
    assert "Former's room" not in body and "Former&#x27;s room" not in body
    assert "No meetings coming up in your sets" in body
