"""A set's schedule, and scheduling: one meeting, a series, a change or move, a cancellation."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from alsspace.mixins import InvalidIs400Mixin, PermittedObjectMixin
from alsspace.submissions import SubmitOnceMixin
from sessions import queries
from sessions.forms.schedule import MeetingForm, SeriesForm
from sessions.models import Meeting
from sessions.services import scheduling
from sets import shape
from sets.views.learning_sets import SetPageMixin


def schedule_url(learning_set):
    return reverse("meetings:schedule", args=[learning_set.pk])


def when(moment, user):
    """A date and time in the person's own time zone, for messages."""
    local = moment.astimezone(ZoneInfo(user.time_zone))
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({user.time_zone})"


class ScheduleView(SetPageMixin, TemplateView):
    """Every meeting of the set: upcoming first, then past ones, latest first."""

    permission = "sets.view_learningset"
    template_name = "sessions/schedule.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        upcoming = list(queries.upcoming_set_meetings(self.learning_set, now))
        return super().get_context_data(
            happening=[meeting for meeting in upcoming if meeting.in_progress(now)],
            upcoming=[meeting for meeting in upcoming if not meeting.in_progress(now)],
            past=list(queries.past_set_meetings(self.learning_set, now)),
            can_schedule=self.request.user.has_perm("sets.schedule_learningset", self.learning_set),
            page_title="Schedule",
            **kwargs,
        )


class ScheduleFormView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    """Scheduling in a set: the form works out the UTC times, the service writes them.
    A form sent twice schedules once."""

    permission = "sets.schedule_learningset"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "learning_set": self.learning_set,
            "person": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme_zone=self.learning_set.programme.time_zone, **kwargs
        )

    def form_valid(self, form):
        try:
            self.schedule(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(schedule_url(self.learning_set))


class MeetingCreateView(ScheduleFormView):
    form_class = MeetingForm
    template_name = "sessions/meeting_form.html"
    extra_context = {"nav_section": "home", "page_title": "Schedule a meeting"}

    def schedule(self, form):
        (starts_at, ends_at) = form.times[0]
        meeting = scheduling.schedule_meeting(
            self.learning_set,
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            video_link=form.cleaned_data["video_link"],
            request=self.request,
        )
        messages.success(
            self.request,
            f"Meeting scheduled for {when(meeting.starts_at, self.request.user)}. Everyone "
            "in the set gets an email with a calendar invitation.",
        )


class SeriesCreateView(ScheduleFormView):
    form_class = SeriesForm
    template_name = "sessions/series_form.html"
    extra_context = {"nav_section": "home", "page_title": "Schedule a series"}

    def schedule(self, form):
        series = scheduling.schedule_series(
            self.learning_set,
            times=form.times,
            description=form.description,
            place=form.cleaned_data["place"],
            video_link=form.cleaned_data["video_link"],
            request=self.request,
        )
        messages.success(
            self.request,
            f"Series scheduled: {series.description}. Everyone in the set gets one email with "
            "all of them for their calendar.",
        )
        # A gap under 2 or over 8 weeks is allowed, and said (sets.shape).
        zone = ZoneInfo(self.request.user.time_zone)
        for warning in shape.gap_warnings([starts.astimezone(zone) for starts, _ in form.times]):
            messages.warning(self.request, warning)


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


class MeetingEditView(MeetingPageMixin, ScheduledOnlyMixin, InvalidIs400Mixin, FormView):
    permission = "meetings.change_meeting"
    form_class = MeetingForm
    template_name = "sessions/meeting_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "learning_set": self.meeting.learning_set,
            "meeting": self.meeting,
            "person": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Change the meeting",
            programme_zone=self.meeting.learning_set.programme.time_zone,
            **kwargs,
        )

    def form_valid(self, form):
        (starts_at, ends_at) = form.times[0]
        try:
            outcome = scheduling.change_meeting(
                self.meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        text = {
            "moved": f"Meeting moved to {when(starts_at, self.request.user)}. Everyone in "
            "the set gets an email and an updated calendar entry.",
            "changed": "Meeting updated. Everyone in the set gets an email and an updated "
            "calendar entry.",
            None: "Nothing was changed.",
        }[outcome]
        messages.success(self.request, text)
        return redirect(schedule_url(self.meeting.learning_set))


class MeetingCancelView(MeetingPageMixin, ScheduledOnlyMixin, TemplateView):
    permission = "meetings.change_meeting"
    template_name = "sessions/meeting_cancel.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Cancel the meeting", **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            scheduling.cancel_meeting(self.meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(schedule_url(self.meeting.learning_set))
        messages.success(
            request,
            f"The meeting on {when(self.meeting.starts_at, request.user)} is cancelled. "
            "Everyone in the set gets an email, and their calendars show it cancelled.",
        )
        return redirect(schedule_url(self.meeting.learning_set))


urlpatterns = [
    path("sets/<int:pk>/meetings/", ScheduleView.as_view(), name="schedule"),
    path("sets/<int:pk>/meetings/new/", MeetingCreateView.as_view(), name="meeting_create"),
    path("sets/<int:pk>/meetings/series/", SeriesCreateView.as_view(), name="series_create"),
    path("meetings/<int:pk>/edit/", MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", MeetingCancelView.as_view(), name="meeting_cancel"),
]
