"""The view mixins the meetings app's pages share: a meeting's pages, and the meetings
that can still change."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from alsspace.mixins import PermittedObjectMixin
from sessions import queries
from sessions.models import Meeting


def schedule_url(learning_set):
    return reverse("meetings:schedule", args=[learning_set.pk])


class MeetingPageMixin(PermittedObjectMixin):
    """Pages about one meeting start from the meetings the person may see; else 404."""

    scope = staticmethod(queries.visible_meetings)
    extra_context = {"nav_section": "home"}

    @property
    def meeting(self):
        return self.permitted_object

    def get_context_data(self, **kwargs):
        learning_set = self.meeting.learning_set
        programme = learning_set.programme
        return super().get_context_data(
            meeting=self.meeting,
            learning_set=learning_set,
            programme=programme,
            can_view_programme=self.request.user.has_perm("sets.view_programme", programme),
            schedule_url=schedule_url(learning_set),
            **kwargs,
        )


class ScheduledOnlyMixin:
    """Held and cancelled meetings stay as they are: back to the schedule, saying why.
    Comes after MeetingPageMixin, which has found the meeting and checked the permission."""

    def dispatch(self, request, *args, **kwargs):
        if self.meeting.status != Meeting.Status.SCHEDULED:
            messages.info(
                request,
                f"That meeting is {self.meeting.get_status_display().lower()}, so it can no "
                "longer be changed.",
            )
            return redirect(schedule_url(self.meeting.learning_set))
        return super().dispatch(request, *args, **kwargs)
