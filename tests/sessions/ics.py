"""Reading .ics files back, as a calendar app would."""

from icalendar import Calendar


def parse_ics(content):
    """The VEVENTs of an .ics body (bytes or str)."""
    return Calendar.from_ical(content).events


def ics_attachments(message):
    """The VEVENTs of the calendar files attached to an email."""
    return [
        event
        for _, content, mimetype in message.attachments
        if mimetype == "text/calendar"
        for event in parse_ics(content)
    ]
