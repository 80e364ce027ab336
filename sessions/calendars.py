"""iCalendar (RFC 5545) files of meetings, for downloads, email attachments and feeds.

An event carries only what the schedule shows: the set's name, times, place and links.
Never topics or anything else said in the set. A meeting online carries its video link for
the set's own people (docs/product.md#meetings-online): LOCATION is the place, or the link
when there is no place, and URL the link; for anyone else (a programme admin downloading a
set's schedule) LOCATION is the place and URL the meeting page. Each meeting keeps its UID
for life, and its SEQUENCE rises with every change, so calendars update the event rather than
add another.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext
from icalendar import Calendar, Event

from sessions.models import Meeting

PRODUCT_ID = "-//ALS Space//Meetings//EN"
UID_DOMAIN = "alsspace"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(meeting):
    return f"{meeting.uid}@{UID_DOMAIN}"


def meeting_event(meeting, *, with_link=True):
    page = settings.SITE_URL + meeting.get_absolute_url()
    link = meeting.video_link if with_link else ""
    description = [gettext("Meeting page: %(url)s") % {"url": page}]
    if link:
        description.append(gettext("Video link: %(url)s") % {"url": link})
    if meeting.status == Meeting.Status.CANCELLED:
        description.insert(0, gettext("This meeting is cancelled."))
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", gettext("%(name)s meeting") % {"name": meeting.learning_set.name})
    if meeting.place or link:
        event.add("location", meeting.place or link)
    event.add("url", link or page)
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_bytes(meetings, *, name=None, method=None, with_link=True):
    """One VCALENDAR holding a VEVENT per meeting. `name` titles a subscribed calendar;
    `method` is set on emailed files (PUBLISH: add or update without replying); `with_link`
    says whether the reader is one of the set's own people, who get its video links."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, with_link=with_link))
    return calendar.to_ical()


def file_name(meeting):
    """A meeting's download name: its set and its date where the set meets (the programme's
    time zone), so a meeting at half past midnight is named after the day it is held."""
    learning_set = meeting.learning_set
    local_start = meeting.starts_at.astimezone(ZoneInfo(learning_set.programme.time_zone))
    return f"{slugify(learning_set.name)}-{local_start:%Y-%m-%d}.ics"
