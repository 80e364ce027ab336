"""The anonymous pulse: a member present at a held meeting answers it once while it is open;
the set's facilitators and members see the results once it has closed with enough answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from alsspace.mixins import InvalidIs400Mixin
from sessions import pulse
from sessions.forms.pulse import PulseForm
from sessions.services import pulse as pulse_services
from sessions.views.mixins import MeetingPageMixin


def pulse_url(meeting):
    return reverse("meetings:pulse", args=[meeting.pk])


class PulseView(MeetingPageMixin, InvalidIs400Mixin, FormView):
    permission = "meetings.answer_pulse_meeting"
    form_class = PulseForm
    template_name = "sessions/pulse.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": self.items}

    @cached_property
    def items(self):
        return pulse.asked(self.meeting)

    def get_context_data(self, **kwargs):
        user = self.request.user
        state = pulse.state(self.meeting, user)
        return super().get_context_data(
            state=state.value,
            refusal=pulse_services.REFUSALS.get(state),
            closes_at=pulse.closes_at(self.meeting),
            minimum=pulse.minimum_responses(self.meeting.learning_set.programme),
            scale=pulse.SCALE,
            item_count=len(self.items),
            asks_challenge=pulse.asks_challenge(self.items),
            can_view_results=user.has_perm("meetings.view_pulse_meeting", self.meeting),
            page_title=_("Pulse"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            pulse_services.answer_pulse(self.meeting, self.request.user, form.answers)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. Your answers are in, with nothing to say they are yours."),
        )
        return redirect(pulse_url(self.meeting))


class PulseResultsView(MeetingPageMixin, TemplateView):
    permission = "meetings.view_pulse_meeting"
    template_name = "sessions/pulse_results.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            result=pulse.result(self.meeting),
            scale=pulse.SCALE,
            can_answer=self.request.user.has_perm("meetings.answer_pulse_meeting", self.meeting),
            page_title=_("Pulse results"),
            **kwargs,
        )
