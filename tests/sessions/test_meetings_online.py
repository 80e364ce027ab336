"""A meeting online (docs/product.md#meetings-online): its video link is on the meeting page,
the schedule, the emails about the meeting and the calendar entries of the set's own people,
and nowhere a programme admin, the attendance export or the API reads."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from api import services as api_services
from sessions import calendars
from sessions.models import CalendarFeed
from sessions.services.scheduling import change_meeting, schedule_meeting
from sessions.tasks import send_reminder
from tests.sessions.factories import MeetingFactory, days_from_now
from tests.sessions.ics import parse_ics

LINK = "https://video.example.org/alpha-room"


@pytest.fixture
def online(world):
    return MeetingFactory(learning_set=world.learning_set, place="", video_link=LINK)


@pytest.fixture
def both(world):
    return MeetingFactory(learning_set=world.learning_set, place="Room 4", video_link=LINK)


def event_of(meeting, **kwargs):
    [event] = parse_ics(calendars.calendar_bytes([meeting], **kwargs))
    return event


def page_url(meeting):
    return f"{settings.SITE_URL}{meeting.get_absolute_url()}"


# Calendar entries


def test_a_place_and_a_link_give_location_the_place_and_url_the_link(both):
    event = event_of(both)
    assert str(event["location"]) == "Room 4"
    assert str(event["url"]) == LINK
    assert LINK in str(event["description"]) and page_url(both) in str(event["description"])


def test_a_link_alone_is_the_location_too(online):
    event = event_of(online)
    assert str(event["location"]) == LINK
    assert str(event["url"]) == LINK


def test_a_place_alone_keeps_the_meeting_page_as_url(world):
    meeting = MeetingFactory(learning_set=world.learning_set, place="Room 4", video_link="")
    event = event_of(meeting)
    assert str(event["location"]) == "Room 4"
    assert str(event["url"]) == page_url(meeting)


def test_neither_gives_no_location(world):
    meeting = MeetingFactory(learning_set=world.learning_set, place="", video_link="")
    event = event_of(meeting)
    assert "location" not in event
    assert str(event["url"]) == page_url(meeting)


@pytest.mark.parametrize("role", ["member", "pending", "facilitator"])
def test_the_sets_people_get_the_link_in_their_downloads(client, world, both, role):
    client.force_login(getattr(world, role))
    one = client.get(reverse("meetings:meeting_ics", args=[both.pk]))
    schedule = client.get(reverse("meetings:set_ics", args=[world.learning_set.pk]))
    assert one.status_code == schedule.status_code == 200
    assert str(parse_ics(one.content)[0]["url"]) == LINK
    assert LINK in schedule.content.decode()


def test_a_programme_admin_gets_the_schedule_without_the_link(client, world, both, online):
    client.force_login(world.admin)
    for response in (
        client.get(reverse("meetings:meeting_ics", args=[both.pk])),
        client.get(reverse("meetings:meeting_ics", args=[online.pk])),
        client.get(reverse("meetings:set_ics", args=[world.learning_set.pk])),
    ):
        assert response.status_code == 200
        assert LINK not in response.content.decode()
    [event] = parse_ics(client.get(reverse("meetings:meeting_ics", args=[both.pk])).content)
    assert str(event["location"]) == "Room 4" and str(event["url"]) == page_url(both)


def test_the_private_feed_carries_the_link(client, world, both):
    feed = CalendarFeed.objects.create(user=world.member, token="maya-feed-token-online")
    response = client.get(reverse("meetings:calendar_feed", args=[feed.token]))
    assert str(parse_ics(response.content)[0]["url"]) == LINK


# Pages


@pytest.mark.parametrize("role", ["member", "pending", "facilitator"])
def test_the_meeting_page_and_schedule_show_the_link_to_the_set(client, world, both, role):
    client.force_login(getattr(world, role))
    page = client.get(both.get_absolute_url()).content.decode()
    assert f'href="{LINK}"' in page and "Join by video" in page
    schedule = client.get(reverse("meetings:schedule", args=[world.learning_set.pk]))
    assert f'href="{LINK}"' in schedule.content.decode()


def test_programme_admins_pages_never_show_the_link(client, world, both):
    held = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=days_from_now(-7),
        status="held",
        video_link=LINK,
    )
    held.attendance.create(user=world.member, status="present")
    client.force_login(world.admin)
    pages = [
        both.get_absolute_url(),
        reverse("meetings:schedule", args=[world.learning_set.pk]),
        world.programme.get_absolute_url(),
        reverse("meetings:programme_report", args=[world.programme.pk]),
        reverse("meetings:set_report", args=[world.learning_set.pk]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert LINK not in response.content.decode(), path
    export = client.get(
        reverse("meetings:attendance_export", args=[world.programme.pk]), {"format": "csv"}
    )
    assert export.status_code == 200
    assert LINK not in b"".join(export.streaming_content).decode()


def test_the_api_never_serves_the_link(client, world, both):
    _, raw = api_services.create_token(
        world.programme, name="HR", last_day=None, actor=world.admin, ip=None
    )
    for name in ("meetings", "members", "attendance"):
        response = client.get(reverse(f"api:api_v1:{name}"), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        assert LINK not in response.content.decode()


# Emails


def _calendar_attachment(message):
    [(name, content, kind)] = message.attachments
    assert kind == "text/calendar"
    return parse_ics(content.encode())


def test_the_invitation_to_new_meetings_carries_the_link(world, django_capture_on_commit_callbacks):
    starts = timezone.now() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_meeting(
            world.learning_set,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="",
            video_link=LINK,
            actor=world.facilitator,
        )
    assert mail.outbox
    recipients = {address for message in mail.outbox for address in message.to}
    assert world.admin.email not in recipients
    for message in mail.outbox:
        assert LINK in message.body
        [event] = _calendar_attachment(message)
        assert str(event["location"]) == LINK and str(event["url"]) == LINK


def test_a_change_and_a_reminder_carry_the_link(world, both, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_meeting(
            both,
            starts_at=both.starts_at + timedelta(hours=1),
            ends_at=both.ends_at + timedelta(hours=1),
            place="Room 4",
            video_link=LINK,
        )
    changed = [m for m in mail.outbox if "Reminder" not in m.subject]
    assert changed and all(LINK in m.body for m in changed)
    mail.outbox.clear()
    send_reminder.call(both.pk)
    assert mail.outbox and all(LINK in m.body for m in mail.outbox)


def test_an_email_without_a_link_says_none(world, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(learning_set=world.learning_set, place="Room 4", video_link="")
    send_reminder.call(meeting.pk)
    assert mail.outbox and all("Video link" not in m.body for m in mail.outbox)
