"""A set's schedule, and scheduling: one meeting, a series, a change or move, a cancellation."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import FormView, TemplateView

from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sessions import queries
from sessions.forms.schedule import MeetingForm, SeriesForm
from sessions.services import scheduling
from sessions.views.mixins import MeetingPageMixin, ScheduledOnlyMixin, schedule_url
from sets import shape
from sets.views.mixins import SetPageMixin


def when(moment, user):
    """A date and time in the person's own time zone, for messages."""
    local = moment.astimezone(ZoneInfo(user.time_zone))
    return gettext("%(date)s at %(time)s (%(zone)s)") % {
        "date": date_format(local, "l j F Y"),
        "time": f"{local:%H:%M}",
        "zone": user.time_zone,
    }


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
            can_schedule=self.request.user.has_perm(
                "meetings.schedule_learningset", self.learning_set
            ),
            can_join_online=self.request.user.has_perm(
                "meetings.join_online_learningset", self.learning_set
            ),
            page_title=gettext("Schedule"),
            **kwargs,
        )


class ScheduleFormView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    """Scheduling in a set: the form works out the UTC times, the service writes them.
    A form sent twice schedules once."""

    permission = "meetings.schedule_learningset"

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
    extra_context: dict[str, object] = {
        "nav_section": "home",
        "page_title": gettext_lazy("Schedule a meeting"),
    }

    def schedule(self, form):
        (starts_at, ends_at) = form.times[0]
        meeting = scheduling.schedule_meeting(
            self.learning_set,
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            video_link=form.cleaned_data["video_link"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            gettext(
                "Meeting scheduled for %(when)s. Everyone in the set gets an email with a "
                "calendar invitation."
            )
            % {"when": when(meeting.starts_at, self.request.user)},
        )


class SeriesCreateView(ScheduleFormView):
    form_class = SeriesForm
    template_name = "sessions/series_form.html"
    extra_context: dict[str, object] = {
        "nav_section": "home",
        "page_title": gettext_lazy("Schedule a series"),
    }

    def schedule(self, form):
        series = scheduling.schedule_series(
            self.learning_set,
            times=form.times,
            description=form.description,
            place=form.cleaned_data["place"],
            video_link=form.cleaned_data["video_link"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            gettext(
                "Series scheduled: %(series)s. Everyone in the set gets one email with all of "
                "them for their calendar."
            )
            % {"series": series.description},
        )
        # A gap under 2 or over 8 weeks is allowed, and said (sets.shape).
        zone = ZoneInfo(self.request.user.time_zone)
        for warning in shape.gap_warnings([starts.astimezone(zone) for starts, _ in form.times]):
            messages.warning(self.request, warning)


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
            page_title=gettext("Change the meeting"),
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
            "moved": gettext(
                "Meeting moved to %(when)s. Everyone in the set gets an email and an updated "
                "calendar entry."
            )
            % {"when": when(starts_at, self.request.user)},
            "changed": gettext(
                "Meeting updated. Everyone in the set gets an email and an updated calendar entry."
            ),
            None: gettext("Nothing was changed."),
        }[outcome]
        messages.success(self.request, text)
        return redirect(schedule_url(self.meeting.learning_set))


class MeetingCancelView(MeetingPageMixin, ScheduledOnlyMixin, TemplateView):
    permission = "meetings.change_meeting"
    template_name = "sessions/meeting_cancel.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=gettext("Cancel the meeting"), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            scheduling.cancel_meeting(self.meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(schedule_url(self.meeting.learning_set))
        messages.success(
            request,
            gettext(
                "The meeting on %(when)s is cancelled. Everyone in the set gets an email, and "
                "their calendars show it cancelled."
            )
            % {"when": when(self.meeting.starts_at, request.user)},
        )
        return redirect(schedule_url(self.meeting.learning_set))
