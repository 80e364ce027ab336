"""The pulse on a held meeting's page: `{% load pulse %}{% pulse_panel meeting %}` invites a
member who was there to answer, and links facilitators and members to the results."""

from django import template

from sessions import pulse

register = template.Library()


@register.inclusion_tag("sessions/pulse_panel.html", takes_context=True)
def pulse_panel(context, meeting):
    user = context["request"].user
    shows = meeting.status == meeting.Status.HELD
    can_answer = shows and user.has_perm("meetings.answer_pulse_meeting", meeting)
    return {
        "meeting": meeting,
        "shows": shows,
        "state": pulse.state(meeting, user).value if can_answer else None,
        "closes_at": pulse.closes_at(meeting),
        "can_view_results": shows and user.has_perm("meetings.view_pulse_meeting", meeting),
        "user": user,
    }
