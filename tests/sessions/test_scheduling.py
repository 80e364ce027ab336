"""Scheduling through the pages: one meeting, a series, moving, changing and cancelling; bad
input; who may; the schedule page and the set page's schedule section."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, Meeting, MeetingSeries
from sets.models import LearningSet
from tests.factories import ContractFactory, MembershipFactory, SetFactory
from tests.sessions.factories import MeetingFactory, days_from_now
from tests.sessions.ics import ics_attachments

LONDON = ZoneInfo("Europe/London")


def create_url(world):
    return reverse("meetings:meeting_create", args=[world.learning_set.pk])


def series_url(world):
    return reverse("meetings:series_create", args=[world.learning_set.pk])


def schedule_url(learning_set):
    return reverse("meetings:schedule", args=[learning_set.pk])


def in_days(days):
    return (timezone.now().astimezone(LONDON) + timedelta(days=days)).date()


def meeting_data(**changes):
    return {
        "date": in_days(30).isoformat(),
        "starts": "18:00",
        "ends": "21:30",
        "time_zone": "Europe/London",
        "place": "Room 4, Northfield House",
        "video_link": "https://video.example.org/alpha",
        **changes,
    }


def series_data(**changes):
    return {
        **meeting_data(),
        "frequency": "monthly_weekday",
        "interval": "1",
        "ordinal": "1",
        "weekday": "1",
        "count": "6",
        "until": "",
        **changes,
    }


def participants(world):
    return {world.facilitator.email, world.member.email, world.pending.email}


def counts():
    return (
        Meeting.objects.count(),
        MeetingSeries.objects.count(),
        Attendance.objects.count(),
        len(mail.outbox),
    )


# One meeting


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_a_meeting_is_scheduled_with_attendance_rows_and_emails(
    client, world, role, django_capture_on_commit_callbacks
):
    client.force_login(getattr(world, role))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(world), meeting_data())
    assert response.status_code == 302
    assert response["Location"] == schedule_url(world.learning_set)
    meeting = Meeting.objects.get()
    day = in_days(30)
    assert meeting.starts_at == datetime.combine(day, time(18), LONDON).astimezone(UTC)
    assert meeting.ends_at == datetime.combine(day, time(21, 30), LONDON).astimezone(UTC)
    assert (meeting.place, meeting.status, meeting.sequence) == (
        "Room 4, Northfield House",
        "scheduled",
        0,
    )
    assert meeting.created_by == getattr(world, role)
    # One attendance row per current member, not yet recorded; none for facilitators or
    # people who have left.
    assert set(meeting.attendance.values_list("user", "status")) == {
        (world.member.pk, ""),
        (world.pending.pk, ""),
    }
    assert {m.to[0] for m in mail.outbox} == participants(world)
    for message in mail.outbox:
        [event] = ics_attachments(message)
        assert str(event["uid"]) == f"{meeting.uid}@alsspace"
        assert event.decoded("dtstart") == meeting.starts_at
        assert str(event["status"]) == "CONFIRMED"
        assert "Set Alpha" in message.subject


def test_the_email_shows_each_person_their_own_time_zone(
    client, world, django_capture_on_commit_callbacks
):
    world.member.time_zone = "America/New_York"
    world.member.save()
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(create_url(world), meeting_data(date=date(2031, 7, 1).isoformat()))
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert "18:00 to 21:30" in by_person[world.facilitator.email]
    assert "13:00 to 16:30" in by_person[world.member.email]
    assert "America/New_York" in by_person[world.member.email]


def test_the_form_says_which_time_zone_and_starts_from_the_sets_defaults(client, world):
    world.learning_set.default_place = "The Boardroom"
    world.learning_set.default_length_minutes = 180
    world.learning_set.save()
    client.force_login(world.facilitator)
    body = client.get(create_url(world)).content.decode()
    assert "<h1>Schedule a meeting of Set Alpha</h1>" in body
    assert "<strong>Europe/London</strong>" in body
    assert 'value="The Boardroom"' in body
    assert 'value="09:30"' in body
    assert 'value="12:30"' in body


# A series


def test_a_monthly_series_of_six(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(series_url(world), series_data())
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 6
    assert series.description == "The first Tuesday of every month, 6 meetings"
    for meeting in meetings:
        local = meeting.starts_at.astimezone(LONDON)
        assert (local.weekday(), local.day <= 7, local.time()) == (1, True, time(18))
    assert Attendance.objects.count() == 6 * 2
    # One email per person, carrying all six meetings.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(participants(world))
    events = ics_attachments(mail.outbox[0])
    assert sorted(str(e["uid"]) for e in events) == sorted(f"{m.uid}@alsspace" for m in meetings)
    assert [name for name, _, _ in mail.outbox[0].attachments] == ["set-alpha-meetings.ics"]


def test_a_series_every_six_weeks_until_a_date(client, world):
    first = in_days(10)
    client.force_login(world.facilitator)
    response = client.post(
        series_url(world),
        series_data(
            date=first.isoformat(),
            frequency="weekly",
            interval="6",
            count="",
            until=(first + timedelta(weeks=18)).isoformat(),
        ),
    )
    assert response.status_code == 302
    days = [m.starts_at.astimezone(LONDON).date() for m in Meeting.objects.order_by("starts_at")]
    assert days == [first + timedelta(weeks=6 * k) for k in range(4)]


# Bad input: a clear message, 400, nothing written


BAD_MEETINGS = [
    (dict(ends="17:00"), "must end after it starts"),
    (dict(ends="18:00"), "must end after it starts"),
    (dict(date=in_days(-1).isoformat()), "has already passed"),
    (dict(date="2020-02-30"), "Enter a date as year-month-day"),
    (dict(date="9999-12-31"), "between 1 January 2000 and 31 December 2100, not 9999-12-31"),
    (dict(date="2101-01-01"), "between 1 January 2000 and 31 December 2100, not 2101-01-01"),
    (dict(date="2100-12-31", time_zone="America/Los_Angeles"), "A meeting must fall between"),
    (dict(time_zone="Mars/Olympus_Mons"), "is not a time zone we know"),
    (dict(starts="25:00"), "Enter a valid time"),
    (dict(video_link="javascript:alert(1)"), "Enter a valid URL"),
    (dict(place="x" * 301), "at most 300 characters"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_MEETINGS)
def test_bad_input_for_a_meeting_changes_nothing(client, world, changes, message):
    client.force_login(world.facilitator)
    before = counts()
    response = client.post(create_url(world), meeting_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


BAD_SERIES = [
    (dict(count="0"), "1 to 24 meetings, so 0 is not possible"),
    (dict(date="2100-06-01", count="24"), "Meeting 8 of this series would fall after 31 Dec"),
    (dict(count="", until="9999-12-31"), "not 9999-12-31"),
    (dict(count="500"), "1 to 24 meetings, so 500 is not possible"),
    (dict(count="", until=in_days(10 * 365).isoformat()), "would make more than 24"),
    (dict(count="", until=in_days(1).isoformat()), "last date is before the first"),
    (dict(count="3", until=in_days(200).isoformat()), "not both"),
    (dict(count=""), "not both"),
    (dict(ends="09:00"), "must end after it starts"),
    (dict(date=in_days(-40).isoformat(), frequency="weekly"), "has already passed"),
    (dict(time_zone="Europe/Atlantis"), "is not a time zone we know"),
    (dict(frequency="daily"), "Select a valid choice"),
    (dict(interval="0"), "every 1 to 12 weeks or months"),
    (dict(ordinal=""), "Choose which one in the month"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_SERIES)
def test_bad_input_for_a_series_changes_nothing(client, world, changes, message):
    client.force_login(world.facilitator)
    before = counts()
    response = client.post(series_url(world), series_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("zone", ["programme", "person"])
def test_a_meeting_is_refused_where_it_would_fall_after_2100_in_the_programmes_or_own_zone(
    client, world, zone
):
    """18:00 on 31 December 2100 in London is already 2101 in Tokyo."""
    if zone == "programme":
        world.programme.time_zone = "Asia/Tokyo"
        world.programme.save()
    else:
        world.facilitator.time_zone = "Asia/Tokyo"
        world.facilitator.save()
    client.force_login(world.facilitator)
    before = counts()
    response = client.post(create_url(world), meeting_data(date="2100-12-31"))
    assert response.status_code == 400
    assert "A meeting must fall between 1 January 2000 and 31 December 2100" in (
        response.content.decode()
    )
    assert counts() == before
    response = client.post(create_url(world), meeting_data(date="2100-12-30"))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["member", "pending"])
def test_members_cannot_schedule(client, world, role):
    client.force_login(getattr(world, role))
    before = counts()
    assert client.post(create_url(world), meeting_data()).status_code == 403
    assert client.post(series_url(world), series_data()).status_code == 403
    assert counts() == before


def test_a_closed_set_cannot_be_scheduled(client, world, meeting):
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.save()
    client.force_login(world.facilitator)
    before = counts()
    assert client.post(create_url(world), meeting_data()).status_code == 403
    assert client.post(series_url(world), series_data()).status_code == 403
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    assert client.post(edit, meeting_data()).status_code == 403
    assert counts() == before


# Changing, moving and cancelling one meeting


def edit_url(meeting):
    return reverse("meetings:meeting_edit", args=[meeting.pk])


def cancel_url(meeting):
    return reverse("meetings:meeting_cancel", args=[meeting.pk])


def local_form(meeting, **changes):
    starts = meeting.starts_at.astimezone(LONDON)
    ends = meeting.ends_at.astimezone(LONDON)
    return meeting_data(
        **{
            "date": starts.date().isoformat(),
            "starts": f"{starts:%H:%M}",
            "ends": f"{ends:%H:%M}",
            "place": meeting.place,
            "video_link": meeting.video_link,
            **changes,
        }
    )


def test_the_edit_form_shows_the_meeting_in_the_programmes_time_zone(client, world):
    meeting = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=datetime(2031, 7, 1, 17, tzinfo=UTC),
        ends_at=datetime(2031, 7, 1, 20, tzinfo=UTC),
    )
    client.force_login(world.facilitator)
    body = client.get(edit_url(meeting)).content.decode()
    assert 'value="2031-07-01"' in body
    assert 'value="18:00"' in body
    assert 'value="21:00"' in body


def test_moving_a_meeting(client, world, meeting, django_capture_on_commit_callbacks):
    meeting.reminder_sent_at = timezone.now()
    meeting.save()
    uid = meeting.uid
    new_day = (meeting.starts_at + timedelta(days=7)).astimezone(LONDON).date()
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(meeting), local_form(meeting, date=new_day.isoformat()))
    assert response.status_code == 302
    old_start = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == old_start + timedelta(days=7)
    assert (meeting.uid, meeting.sequence, meeting.reminder_sent_at) == (uid, 1, None)
    assert {m.to[0] for m in mail.outbox} == participants(world)
    message = mail.outbox[0]
    assert "moved" in message.subject
    [event] = ics_attachments(message)
    assert (str(event["uid"]), event["sequence"]) == (f"{uid}@alsspace", 1)
    assert event.decoded("dtstart") == meeting.starts_at


def test_changing_the_place_keeps_the_time_and_the_reminder(
    client, world, meeting, django_capture_on_commit_callbacks
):
    reminded = timezone.now()
    meeting.reminder_sent_at = reminded
    meeting.save()
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(meeting), local_form(meeting, place="The Boardroom"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence, meeting.reminder_sent_at) == (
        "The Boardroom",
        1,
        reminded,
    )
    assert len(mail.outbox) == 3
    assert "updated" in mail.outbox[0].subject


def test_saving_an_unchanged_meeting_changes_nothing(
    client, world, meeting, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(meeting), local_form(meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mail.outbox == []


def test_a_meeting_cannot_move_into_the_past(client, world, meeting):
    client.force_login(world.facilitator)
    response = client.post(edit_url(meeting), local_form(meeting, date=in_days(-3).isoformat()))
    assert response.status_code == 400
    body = response.content.decode()
    assert "has already passed" in body
    # The meeting exists already: the form says it was not changed, not that none was scheduled.
    assert "Nothing was changed yet." in body
    assert "Nothing was scheduled yet." not in body
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (before, 0)


def test_cancelling_a_meeting(client, world, meeting, django_capture_on_commit_callbacks):
    client.force_login(world.facilitator)
    body = client.get(cancel_url(meeting)).content.decode()
    assert "Cancel the meeting of" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    assert {m.to[0] for m in mail.outbox} == participants(world)
    assert "cancelled" in mail.outbox[0].subject
    [event] = ics_attachments(mail.outbox[0])
    assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)
    # Named as its download is, after the set and the day it was to be held.
    local_day = meeting.starts_at.astimezone(LONDON).date().isoformat()
    assert [name for name, _, _ in mail.outbox[0].attachments] == [f"set-alpha-{local_day}.ics"]


def test_a_cancelled_meeting_can_be_neither_changed_nor_cancelled_again(client, world, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    client.force_login(world.facilitator)
    for url in (edit_url(meeting), cancel_url(meeting)):
        response = client.post(url, local_form(meeting, place="Elsewhere"), follow=True)
        assert "is cancelled, so it can no longer be changed" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Room 4, Northfield House", 0)


@pytest.mark.parametrize("role", ["member", "pending"])
def test_members_cannot_move_or_cancel(client, world, meeting, role):
    client.force_login(getattr(world, role))
    assert client.post(edit_url(meeting), local_form(meeting, place="X")).status_code == 403
    assert client.post(cancel_url(meeting)).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("scheduled", 0)


def test_a_meeting_of_another_set_is_not_found(client, world):
    other = MeetingFactory(learning_set=world.other_set)
    client.force_login(world.facilitator)
    assert client.get(edit_url(other)).status_code == 404
    assert client.post(cancel_url(other)).status_code == 404


# The schedule page


def test_the_schedule_lists_upcoming_then_past_meetings(client, world, meeting, past_meeting):
    later = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(40))
    cancelled = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(20), status="cancelled"
    )
    client.force_login(world.member)
    body = client.get(schedule_url(world.learning_set)).content.decode()
    order = [body.index(f'id="meeting-{m.pk}"') for m in (meeting, cancelled, later, past_meeting)]
    assert order == sorted(order)
    assert body.index("Coming up") < body.index("Past meetings") < order[-1]
    assert "Cancelled" in body and "Held" in body
    assert "Schedule a meeting" not in body
    assert reverse("meetings:meeting_edit", args=[meeting.pk]) not in body


def test_facilitators_see_the_scheduling_buttons(client, world, meeting):
    client.force_login(world.facilitator)
    body = client.get(schedule_url(world.learning_set)).content.decode()
    assert "Schedule a meeting" in body
    assert "Schedule a series" in body
    assert edit_url(meeting) in body
    assert cancel_url(meeting) in body


def test_times_are_shown_in_the_viewers_time_zone(client, world):
    MeetingFactory(
        learning_set=world.learning_set,
        starts_at=datetime(2031, 7, 1, 17, tzinfo=UTC),
        ends_at=datetime(2031, 7, 1, 20, tzinfo=UTC),
    )
    world.member.time_zone = "Asia/Tokyo"
    world.member.save()
    client.force_login(world.member)
    for url in (schedule_url(world.learning_set), world.learning_set.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Wed 2 Jul 2031" in body or "Wednesday 2 July 2031" in body
        assert "02:00–05:00" in body
        assert "Asia/Tokyo" in body


def test_an_empty_schedule_says_what_happens_next(client, world):
    client.force_login(world.member)
    body = client.get(schedule_url(world.learning_set)).content.decode()
    assert "No meetings coming up" in body
    assert "Your facilitator schedules the meetings" in body


def test_the_set_page_shows_the_next_and_recent_meetings(client, world, meeting, past_meeting):
    client.force_login(world.pending)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "Next meetings" in body and "Recent meetings" in body
    assert "Scheduled" in body and "Held" in body
    assert "Not marked as held" not in body
    assert "Room 4, Northfield House" in body
    assert schedule_url(world.learning_set) in body
    assert reverse("meetings:set_ics", args=[world.learning_set.pk]) in body
    assert "Schedule a meeting" not in body
    client.force_login(world.facilitator)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert create_url(world) in body and series_url(world) in body


# Queries do not grow with the number of meetings or members


def page_queries(client, viewer, url):
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def set_with(past_meetings, members, upcoming=3):
    learning_set = SetFactory()
    ContractFactory(learning_set=learning_set)
    facilitator = MembershipFactory(learning_set=learning_set, role="facilitator").user
    for _ in range(members):
        MembershipFactory(learning_set=learning_set)
    for k in range(past_meetings):
        MeetingFactory(
            learning_set=learning_set,
            starts_at=days_from_now(-7 * (k + 1)),
            status="cancelled" if k % 5 == 0 else "held",
        )
    for k in range(upcoming):
        MeetingFactory(learning_set=learning_set, starts_at=days_from_now(7 * (k + 1)))
    return learning_set, facilitator


@pytest.mark.parametrize("page", ["schedule", "set"])
def test_queries_do_not_grow_with_past_meetings_or_members(client, db, page):
    def measure(past, members):
        learning_set, facilitator = set_with(past, members)
        url = schedule_url(learning_set) if page == "schedule" else learning_set.get_absolute_url()
        return page_queries(client, facilitator, url)

    assert measure(1, 2) == measure(20, 2)
    assert measure(3, 2) == measure(3, 8)


def test_the_schedule_shows_the_meeting_in_progress_as_now(client, world, meeting):
    under_way = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(minutes=30)
    )
    for person in (world.facilitator, world.member):
        client.force_login(person)
        body = client.get(schedule_url(world.learning_set)).content.decode()
        now = body[body.index('id="now-heading"') : body.index('id="upcoming-heading"')]
        assert f'id="meeting-{under_way.pk}"' in now
        assert f'href="{under_way.get_absolute_url()}"' in now
        assert "Open the meeting" in now
        coming_up = body[body.index('id="upcoming-heading"') : body.index('id="past-heading"')]
        assert f'id="meeting-{under_way.pk}"' not in coming_up
        assert f'id="meeting-{meeting.pk}"' in coming_up


def test_the_set_page_marks_the_meeting_in_progress(client, world, meeting):
    under_way = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(minutes=30)
    )
    client.force_login(world.member)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert f'href="{under_way.get_absolute_url()}">Now: open the meeting' in body
