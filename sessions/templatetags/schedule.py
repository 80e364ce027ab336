"""Meetings on the sets app's pages. The sets app cannot import sessions, so its set page and
home page load these tags: `{% load schedule %}{% set_schedule learning_set %}` and
`{% my_next_meetings %}`."""

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
    return {
        "user": user,
        "learning_set": learning_set,
        "upcoming": list(queries.upcoming_set_meetings(learning_set, now)[:SHOWN]),
        "past": list(queries.past_set_meetings(learning_set, now)[:SHOWN]),
        "can_schedule": user.has_perm("sets.schedule_learningset", learning_set),
    }


@register.inclusion_tag("sessions/next_meetings_panel.html", takes_context=True)
def my_next_meetings(context):
    """The home page's "Coming up": the person's next meetings across their sets."""
    user = context["request"].user
    return {"user": user, "meetings": list(queries.upcoming_meetings_for(user)[:SHOWN])}
