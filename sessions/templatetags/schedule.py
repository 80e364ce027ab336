"""Meetings on the sets app's pages. The sets app knows nothing of meetings, so this app
contributes them to its set page and home page (alsspace/places.py, registered in
sessions/apps.py) through templates that use these tags: `{% set_schedule learning_set %}` and
`{% my_next_meetings current_sets %}`."""

from django import template
from django.utils import timezone

from sessions import queries

register = template.Library()

SHOWN = 3


@register.inclusion_tag("sessions/set_schedule_panel.html", takes_context=True)
def set_schedule(context, learning_set):
    """The next and the latest few meetings; the full schedule is a link away."""
    user = context["request"].user
    now = timezone.now()
    upcoming = list(queries.upcoming_set_meetings(learning_set, now)[:SHOWN])
    return {
        "user": user,
        "learning_set": learning_set,
        "upcoming": upcoming,
        "happening": {meeting.pk for meeting in upcoming if meeting.in_progress(now)},
        "past": list(queries.past_set_meetings(learning_set, now)[:SHOWN]),
        "can_schedule": user.has_perm("meetings.schedule_learningset", learning_set),
    }


@register.inclusion_tag("sessions/next_meetings_panel.html", takes_context=True)
def my_next_meetings(context, current_sets):
    """The home page's "Now" and "Coming up": the person's next meetings across their
    current sets (which the page has loaded), one in progress apart with a direct link to
    its page."""
    now = timezone.now()
    meetings = queries.upcoming_meetings_in(current_sets, now, SHOWN) if current_sets else []
    return {
        "user": context["request"].user,
        "happening": [meeting for meeting in meetings if meeting.in_progress(now)],
        "meetings": [meeting for meeting in meetings if not meeting.in_progress(now)],
    }
