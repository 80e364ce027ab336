"""The meeting page a facilitator runs a meeting from, and the endpoints its panels post to.

Each panel posts to its own endpoint. With htmx the endpoint answers with the panel's (or the
row's) fresh fragment; without JavaScript it redirects back to the page. A form rendered at an
older revision of the meeting changes nothing and gets 409 Conflict with the current values;
bad input gets 400 with the reason
(docs/architecture.md#the-meeting-page-and-optimistic-concurrency). Who sees what follows
docs/confidentiality.md#who-sees-what: content for facilitators and members under the
contract, attendance for programme admins too, and only their own row for a member who has
not yet accepted the contract.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from sessions.forms import meeting as meeting_forms
from sessions.models import Attendance
from sessions.services import noting, phases, running
from sessions.views.mixins import MeetingPageMixin, PanelView, ops, page_context


class MeetingView(MeetingPageMixin, TemplateView):
    permission = "meetings.view_meeting"
    template_name = "sessions/meeting.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**page_context(self.request, self.meeting), **kwargs)


# The panels


class AttendanceView(PanelView):
    panel = "attendance"
    forms = ops(meeting_forms.AttendanceForm, "", "record")
    saved_message = gettext_lazy("Attendance saved.")

    def save(self, *, member, status, revision):
        before = self.meeting.attendance.filter(user=member).values_list("status", flat=True)
        self.attendance_changed = (next(iter(before), "") in Attendance.ATTENDED) != (
            status in Attendance.ATTENDED
        )
        self.member = member
        running.record_attendance(
            self.meeting, member=member, status=status, revision=revision, by=self.request.user
        )

    def render_saved(self, context):
        # The row and the count; and the report-backs panel when someone arrived or went,
        # since only the actions of those present are reported on.
        context["row"] = context["page"].attendance_row(self.member.pk)
        html = render_to_string(f"{self.fragment}#attendance_row", context, self.request)
        context["oob"] = True
        html += render_to_string(f"{self.fragment}#attendance_count", context, self.request)
        if self.attendance_changed:
            html += render_to_string("sessions/partials/report_backs.html", context, self.request)
        return HttpResponse(html)


class ReportBackView(PanelView):
    panel = "report_backs"
    forms = ops(meeting_forms.ReportBackForm, "", "record")
    saved_message = gettext_lazy("Report-back saved.")

    def save(self, *, action, outcome, note, revision, confirm_change):
        self.action = action
        try:
            running.record_report_back(
                self.meeting,
                action=action,
                outcome=outcome,
                note=note,
                by=self.request.user,
                revision=revision,
                confirm_change=confirm_change,
            )
        except running.OwnReportBack:
            # Refused with the question; the row keeps what was typed, to confirm and send.
            self.kept = {"action": action.pk, "outcome": outcome, "note": note}
            raise

    def fresh_context(self, **forms):
        context = super().fresh_context(**forms)
        kept = getattr(self, "kept", None)
        if kept:
            row = context["page"].report_back_row(kept["action"])
            if row is not None:
                row.kept = kept
        return context

    def render_saved(self, context):
        context["row"] = context["page"].report_back_row(self.action.pk)
        return render(self.request, f"{self.fragment}#report_back_row", context)


class AirtimeView(PanelView):
    panel = "airtime"
    forms = {
        "add": meeting_forms.SlotAddForm,
        "change": meeting_forms.SlotChangeForm,
        "phases": meeting_forms.PhasesForm,
        **ops(meeting_forms.SlotForm, "start", "stop", "up", "down", "remove", "next_phase"),
    }
    kept_as = {meeting_forms.SlotAddForm: "slot_form"}
    saved_message = gettext_lazy("Airtime saved.")

    def save(self, *, revision, slot=None, **data):
        meeting = self.meeting
        op = self.request.POST["op"]
        if op == "add":
            running.add_slot(meeting, revision=revision, **data)
        elif op == "change":
            running.change_slot(meeting, slot, revision=revision, **data)
        elif op == "start":
            running.start_timer(meeting, slot, revision=revision)
        elif op == "stop":
            running.stop_timer(meeting, slot, revision=revision)
        elif op in ("up", "down"):
            running.move_slot(meeting, slot, up=op == "up", revision=revision)
        elif op == "phases":
            phases.plan_phases(meeting, slot, minutes=data, revision=revision)
        elif op == "next_phase":
            phases.move_on(meeting, slot, revision=revision)
        else:
            running.remove_slot(meeting, slot, revision=revision)


class SlotNotedView(PanelView):
    """The presenter, or a facilitator for them, closes a slot as "learning noted, no
    action", or opens it again (docs/product.md#learning-noted-no-action). Whose slot may
    be closed is asked of the slot; the panel's saves, conflicts and refusals are the
    airtime panel's."""

    panel = "airtime"
    permission = "meetings.note_learning_meeting"
    forms = ops(meeting_forms.SlotForm, "note", "reopen")
    saved_message = gettext_lazy("Airtime saved.")

    def save(self, *, revision, slot):
        if not self.request.user.has_perm("meetings.note_learning_airtimeslot", slot):
            raise PermissionDenied("Only the presenter or a facilitator closes a slot.")
        if self.request.POST["op"] == "note":
            noting.note_learning(self.meeting, slot, actor=self.request.user, revision=revision)
            self.saved_message = gettext("The slot is closed: learning noted, no action.")
        else:
            noting.reopen(self.meeting, slot, revision=revision)
            self.saved_message = gettext("The slot is open again.")


class ActionsView(PanelView):
    panel = "actions"
    forms = {"add": meeting_forms.ActionForm, "remove": meeting_forms.ActionRemoveForm}
    kept_as = {meeting_forms.ActionForm: "action_form"}
    saved_message = gettext_lazy("Actions saved.")

    def save(self, *, revision, action=None, **data):
        self.reopened = False
        if action is not None:
            running.remove_action(self.meeting, action, revision=revision)
            return
        # An action agreed for a slot closed as learning noted opens it again
        # (docs/product.md#learning-noted-no-action): the airtime panel is redrawn too.
        self.reopened = self.meeting.airtime_slots.filter(
            presenter=data["owner"], learning_noted_at__isnull=False
        ).exists()
        running.commit_action(
            self.meeting,
            owner=data["owner"],
            text=data["text"],
            due_on=data["due_on"],
            by=self.request.user,
            revision=revision,
        )

    def render_saved(self, context):
        html = render_to_string(self.fragment, context, self.request)
        if self.reopened:
            context["oob"] = True
            html += render_to_string("sessions/partials/airtime.html", context, self.request)
        return HttpResponse(html)


class ReviewView(PanelView):
    panel = "review"
    forms = ops(meeting_forms.ReviewForm, "", "save")
    kept_as = {meeting_forms.ReviewForm: "review_form"}
    # On a conflict the other person's text is shown, and this person's beside it.
    keep_on_conflict = False
    saved_message = gettext_lazy("Process review saved.")

    def save(self, *, process_review, revision):
        running.save_process_review(self.meeting, text=process_review, revision=revision)

    def unsaved_text(self, form):
        return form.cleaned_data["process_review"]

    def render_saved(self, context):
        context["saved_at"] = timezone.now()
        return super().render_saved(context)


class HeldView(PanelView):
    """Marking the meeting as held changes the whole page, so its form posts without htmx
    and the page is loaded again."""

    panel = "held"
    forms = ops(meeting_forms.HeldForm, "", "held")
    saved_message = gettext_lazy("The meeting is marked as held.")

    def save(self, *, revision):
        running.mark_held(self.meeting, revision=revision)
