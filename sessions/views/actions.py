"""What members do for themselves: send apologies for a meeting, follow their own actions
across their sets, and write their own report-back on one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView

from alsspace.mixins import PermittedObjectMixin
from sessions import queries
from sessions.forms.meeting import ApologiesForm, OwnReportBackForm
from sessions.models import Action
from sessions.services import running
from sessions.views.mixins import MeetingPageMixin, Notice, form_messages, page_context


class ApologiesView(MeetingPageMixin, TemplateView):
    """A member sends apologies ahead of a meeting, or withdraws them before it starts."""

    permission = "meetings.send_apologies_meeting"
    http_method_names = ["post"]
    template_name = "sessions/meeting.html"

    def post(self, request, *args, **kwargs):
        form = ApologiesForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form_messages(form))
            if form.cleaned_data["intent"] == form.SEND:
                running.send_apologies(self.meeting, request.user)
                messages.success(
                    request,
                    gettext("Apologies sent. Your facilitator sees them on the meeting page."),
                )
            else:
                running.withdraw_apologies(self.meeting, request.user)
                messages.success(request, gettext("Apologies withdrawn. See you at the meeting."))
        except ValidationError as error:
            context = self.get_context_data(**page_context(request, self.meeting))
            context["notice"] = Notice("own_attendance", "danger", error.messages)
            return self.render_to_response(context, status=400)
        return redirect(self.next_url())

    def next_url(self):
        wanted = self.request.POST.get("next", "")
        # Only a path on this site: `redirect` would take any other word for a view's name.
        if wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return wanted
        return self.meeting.get_absolute_url()


class MyActionsView(TemplateView):
    """Open actions first, then those done or dropped. Only sets where the person is a member
    under the current contract: what was said stays closed until they accept it."""

    template_name = "sessions/my_actions.html"
    extra_context = {"nav_section": "actions"}

    def get_context_data(self, **kwargs):
        actions = list(queries.my_actions(self.request.user))
        upcoming = queries.upcoming_report_meetings({a.learning_set_id for a in actions})
        for action in actions:
            action.report_meeting = meeting = queries.report_meeting(action, upcoming)
            action.history = list(action.report_backs.all())
            action.pending_report = next(
                (r for r in action.history if meeting and r.meeting_id == meeting.pk), None
            )
        return super().get_context_data(
            open_actions=[a for a in actions if a.status == Action.Status.OPEN],
            closed_actions=[a for a in actions if a.status != Action.Status.OPEN],
            **kwargs,
        )


class ActionReportView(PermittedObjectMixin, FormView):
    """The owner reports back ahead of the meeting the action is due at; the facilitator sees
    it there. It can be rewritten until that meeting is marked as held."""

    scope = staticmethod(queries.visible_actions)
    permission = "meetings.report_action"
    form_class = OwnReportBackForm
    template_name = "sessions/my_action_report.html"
    extra_context = {"nav_section": "actions"}

    @property
    def action(self):
        return self.permitted_object

    def get_scope(self):
        return (
            super()
            .get_scope()
            .prefetch_related("report_backs__meeting", "report_backs__value_story")
        )

    @cached_property
    def report_meeting(self):
        return queries.report_meeting(self.action)

    @cached_property
    def current_report(self):
        meeting = self.report_meeting
        return next((r for r in self.action.report_backs.all() if r.meeting == meeting), None)

    def get_initial(self):
        report = self.current_report
        return {"outcome": report.outcome, "note": report.note} if report else {}

    def get_context_data(self, **kwargs):
        action = self.action
        action.history = list(action.report_backs.all())
        action.report_meeting = self.report_meeting
        return super().get_context_data(
            action=action,
            report_meeting=self.report_meeting,
            current_report=self.current_report,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            report = running.write_own_report_back(
                self.action,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext(
                "Report-back saved: %(outcome)s. Your facilitator sees it on the meeting page, "
                "and you can change it until the meeting is marked as held."
            )
            % {"outcome": report.get_outcome_display().lower()},
        )
        return redirect(reverse("meetings:my_actions"))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
