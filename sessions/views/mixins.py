"""What the meetings app's pages share: a meeting's pages, the meetings that can still
change, what the meeting page shows (`MeetingPage`, `page_context`) with the notices its
panels carry, which the panels (meeting.py) and members' own acts (actions.py) render, and
`PanelView`, the endpoint every panel of the page is built on."""

import json
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.generic import TemplateView

from alsspace.mixins import PermittedObjectMixin
from sessions import queries
from sessions.forms import meeting as meeting_forms
from sessions.forms.review import ReviewContributionForm
from sessions.models import Attendance, Meeting, Phase, ReportBack, Want
from sessions.services import bids as bid_services
from sessions.services import phases, running
from sets.models import LearningSet


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
            if self.meeting.status == Meeting.Status.HELD:
                refusal = gettext("That meeting is held, so it can no longer be changed.")
            else:
                refusal = gettext("That meeting is cancelled, so it can no longer be changed.")
            messages.info(request, refusal)
            return redirect(schedule_url(self.meeting.learning_set))
        return super().dispatch(request, *args, **kwargs)


# The meeting page


def clock(seconds):
    """Elapsed time as the timer shows it (static/js/meeting.js counts the same way)."""
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def radios(choices, id_prefix, checked):
    """A row's radio group as (value, label, input id, checked) for each choice: built here
    once rather than looked up part by part for every radio of every row."""
    return [(value, label, f"{id_prefix}-{value}", value == checked) for value, label in choices]


@dataclass
class AttendanceRow:
    member: object
    record: Attendance | None

    @property
    def status(self):
        return self.record.status if self.record else ""

    @property
    def status_radios(self):
        return radios(Attendance.Status.choices, f"attendance-{self.member.pk}", self.status)

    @property
    def apologies_sent_at(self):
        if self.record and self.record.status == Attendance.Status.APOLOGIES:
            return self.record.apologies_sent_at
        return None


@dataclass
class ReportBackRow:
    action: object
    report: ReportBack | None
    earlier: list
    reported_later: bool
    owner_status: str
    # What was typed in a change refused for want of confirmation, shown again in the form.
    kept: dict | None = None

    @property
    def written_by_owner(self):
        return self.report is not None and self.report.written_by_id == self.action.owner_id

    @property
    def changed_by_other(self):
        """Who last changed the report-back, when not its author: the record says so."""
        report = self.report
        if report is None or report.written_by_id == report.author_id:
            return None
        return report.written_by

    @property
    def outcome_radios(self):
        saved = self.report.outcome if self.report else None
        if self.kept:
            saved = self.kept["outcome"]
        return radios(ReportBack.Outcome.choices, f"outcome-{self.action.pk}", saved)

    @property
    def note_value(self):
        if self.kept:
            return self.kept["note"]
        return self.report.note if self.report else ""

    @property
    def awaiting_owner(self):
        """Due here, but its owner is not marked present: it is heard once they are."""
        return self.report is None and self.owner_status not in Attendance.ATTENDED


@dataclass
class PhaseRow:
    """A phase of a slot as the page shows it: planned, under way (its time read from the
    slot's timer, less the reading it began at) or moved on from (the time it took)."""

    phase: object
    current: bool
    seconds: int
    started_at: object = None  # the slot's timer start, for the phase under way

    @property
    def label(self):
        return self.phase.get_kind_display()

    @property
    def clock(self):
        return clock(max(0, self.seconds))


def phase_rows(slot, now):
    """Each planned phase of the slot, in order. Phases before the one under way took the
    time recorded when the set moved on; those after it are still to come."""
    rows = []
    for phase in slot.phases.all():
        if phase.kind == slot.phase:
            reading = phases.elapsed_seconds(slot, now)
            rows.append(
                PhaseRow(
                    phase,
                    current=True,
                    seconds=reading - slot.phase_from_seconds,
                    started_at=slot.timer_started_at,
                )
            )
        else:
            rows.append(PhaseRow(phase, current=False, seconds=phase.used_seconds))
    return rows


# A suggested split of a slot's planned time when it first runs in phases: a quarter to
# present, the most to questions, then reflection, and what is left to commitment.
SUGGESTED_SHARES = {Phase.PRESENTING: 0.25, Phase.QUESTIONS: 0.4, Phase.REFLECTION: 0.2}


def phase_plan(slot):
    """(phase, label, minutes) for the slot's phases form: its planned phases as they are,
    or, for a slot not yet run in phases, a suggested split of its planned minutes."""
    if slot.phase_rows:
        planned = {row.phase.kind: row.phase.planned_minutes for row in slot.phase_rows}
    else:
        planned = {k: round(slot.planned_minutes * share) for k, share in SUGGESTED_SHARES.items()}
        planned[Phase.COMMITMENT] = max(0, slot.planned_minutes - sum(planned.values()))
    return [(kind, label, planned.get(kind, 0)) for kind, label in Phase.choices]


@dataclass
class BidRow:
    bid: object
    attendance: str  # the bidder's attendance status, "" while not recorded

    @property
    def away(self):
        """Recorded as not here: their bid is left out of the airtime."""
        return self.attendance in (Attendance.Status.APOLOGIES, Attendance.Status.ABSENT)


class MeetingPage:
    """What the meeting page shows this person. Each part is loaded only when a template
    asks for it, in a fixed number of queries whatever the size of the set."""

    def __init__(self, request, meeting):
        user = request.user
        self.user = user
        self.meeting = meeting
        self.learning_set = meeting.learning_set
        self.working = (
            user.has_perm("meetings.run_meeting", meeting)
            and meeting.status != Meeting.Status.CANCELLED
        )
        self.can_view_content = user.has_perm("meetings.view_content_meeting", meeting)
        self.can_view_attendance = user.has_perm("meetings.view_attendance_meeting", meeting)
        self.can_send_apologies = user.has_perm("meetings.send_apologies_meeting", meeting)
        self.can_join_online = user.has_perm("meetings.join_online_meeting", meeting)
        self.must_accept = not self.can_view_content and user.has_perm(
            "sets.accept_contract_learningset", self.learning_set
        )

    @cached_property
    def post_urls(self):
        """Where each panel's forms post, reversed once rather than for every row's form."""
        return {
            panel: reverse(f"meetings:meeting_{panel}", args=[self.meeting.pk])
            for panel in (
                "attendance",
                "report_backs",
                "airtime",
                "actions",
                "review",
                "held",
                "bids",
                "bid_plan",
                "slot_noted",
            )
        }

    @cached_property
    def attendance_records(self):
        return {a.user_id: a for a in queries.meeting_attendance(self.meeting)}

    @cached_property
    def members(self):
        return list(queries.set_members(self.learning_set))

    @cached_property
    def attendance_rows(self):
        records = self.attendance_records
        return [AttendanceRow(member, records.get(member.pk)) for member in self.members]

    def attendance_row(self, member_pk):
        return next(row for row in self.attendance_rows if row.member.pk == member_pk)

    @cached_property
    def my_attendance(self):
        if self.can_view_attendance:
            return self.attendance_records.get(self.user.pk)
        return queries.meeting_attendance(self.meeting).filter(user=self.user).first()

    @cached_property
    def shows_own_attendance(self):
        return self.can_send_apologies or self.my_attendance is not None

    @cached_property
    def attended_count(self):
        return sum(1 for row in self.attendance_rows if row.status in Attendance.ATTENDED)

    @cached_property
    def expected_count(self):
        return len(self.attendance_rows) - self.apologies_count

    @cached_property
    def apologies_count(self):
        return sum(1 for row in self.attendance_rows if row.status == Attendance.Status.APOLOGIES)

    @cached_property
    def started(self):
        return self.meeting.starts_at <= timezone.now()

    @cached_property
    def ahead(self):
        """A scheduled meeting still to come: the page speaks of it in the future tense."""
        return self.meeting.status == Meeting.Status.SCHEDULED and not self.started

    @cached_property
    def in_progress(self):
        return self.meeting.in_progress(timezone.now())

    @cached_property
    def can_change(self):
        """Moving or cancelling is offered until the meeting starts."""
        return self.ahead and self.user.has_perm("meetings.change_meeting", self.meeting)

    @property
    def held(self):
        return self.meeting.status == Meeting.Status.HELD

    @cached_property
    def apologies_open(self):
        """Apologies are sent, or withdrawn, until the meeting starts."""
        return self.can_send_apologies and not self.started

    @cached_property
    def slots(self):
        now = timezone.now()
        slots = list(queries.meeting_airtime(self.meeting))
        for slot in slots:
            seconds = slot.actual_seconds
            if slot.timer_started_at:
                seconds += max(0, int((now - slot.timer_started_at).total_seconds()))
            slot.clock = clock(seconds)
            slot.phase_rows = phase_rows(slot, now) if slot.phase else []
            slot.current_phase = next((r for r in slot.phase_rows if r.current), None)
            kinds = [row.phase.kind for row in slot.phase_rows]
            following = phases.next_phase_of(slot.phase, kinds) if slot.phase else None
            slot.next_phase = next(
                (row.label for row in slot.phase_rows if row.phase.kind == following), None
            )
            slot.phase_plan = phase_plan(slot)
            slot.meeting = self.meeting  # asked by the rule below, without a query
            # A slot in which an action was agreed is offered no close with none; one
            # already closed is always offered its "Open again".
            slot.can_note = (
                self.notes_open
                and (slot.learning_noted_at is not None or not slot.has_action)
                and self.user.has_perm("meetings.note_learning_airtimeslot", slot)
            )
        return slots

    @cached_property
    def notes_open(self):
        """A slot is closed as learning noted once the meeting has started
        (docs/product.md#learning-noted-no-action)."""
        return self.started and self.meeting.status != Meeting.Status.CANCELLED

    @cached_property
    def airtime_begun(self):
        return any(slot.actual_seconds or slot.timer_started_at for slot in self.slots)

    # Bids

    @cached_property
    def bids(self):
        """Everyone's bids, for those who see the set's content; nobody else's page asks."""
        if not self.can_view_content:
            return []
        records = self.attendance_records if self.can_view_attendance else {}
        return [
            BidRow(bid, records[bid.member_id].status if bid.member_id in records else "")
            for bid in queries.meeting_bids(self.meeting)
        ]

    @cached_property
    def my_bids(self):
        return [row.bid for row in self.bids if row.bid.member_id == self.user.pk]

    @cached_property
    def can_bid(self):
        """Bids are brought, changed and withdrawn until the meeting starts."""
        return self.ahead and self.user.has_perm("meetings.bid_meeting", self.meeting)

    @cached_property
    def shows_bids(self):
        return self.can_view_content and (self.bids or self.can_bid or self.working)

    @property
    def bid_mode(self):
        return self.learning_set.airtime_mode == LearningSet.AirtimeMode.BID

    @cached_property
    def bids_total(self):
        return sum(row.bid.minutes for row in self.bids)

    @cached_property
    def meeting_minutes(self):
        return bid_services.meeting_minutes(self.meeting)

    @cached_property
    def bids_over(self):
        return self.bids_total - self.meeting_minutes

    @cached_property
    def ground_rules(self):
        """The set's current contract, openable from the meeting page at any moment."""
        return queries.ground_rules(self.learning_set) if self.can_view_content else None

    @cached_property
    def running_slot(self):
        return next((slot for slot in self.slots if slot.timer_started_at), None)

    @cached_property
    def planned_minutes(self):
        return sum(slot.planned_minutes for slot in self.slots)

    @cached_property
    def actual_minutes(self):
        return round(sum(slot.actual_seconds for slot in self.slots) / 60)

    @cached_property
    def actions(self):
        return list(queries.actions_committed_at(self.meeting))

    @cached_property
    def report_back_rows(self):
        starts_at = self.meeting.starts_at
        rows = []
        for action in queries.report_back_agenda(self.meeting):
            reports = list(action.report_backs.all())
            owner_record = self.attendance_records.get(action.owner_id)
            rows.append(
                ReportBackRow(
                    action,
                    report=next((r for r in reports if r.meeting_id == self.meeting.pk), None),
                    earlier=[r for r in reports if r.meeting.starts_at < starts_at],
                    reported_later=any(r.meeting.starts_at > starts_at for r in reports),
                    owner_status=owner_record.status if owner_record else "",
                )
            )
        return rows

    def report_back_row(self, action_pk):
        return next((row for row in self.report_back_rows if row.action.pk == action_pk), None)

    # The process review the set owns (sessions.views.review)

    @cached_property
    def can_contribute(self):
        return self.user.has_perm("meetings.contribute_review_meeting", self.meeting)

    @cached_property
    def review_contributions(self):
        if not self.can_view_content:
            return []
        return list(queries.review_contributions(self.meeting))

    @cached_property
    def my_contribution(self):
        return next((c for c in self.review_contributions if c.author_id == self.user.pk), None)

    @cached_property
    def contribution_form(self):
        own = self.my_contribution
        initial = (
            {"how_we_worked": own.how_we_worked, "do_differently": own.do_differently}
            if own
            else {}
        )
        return ReviewContributionForm(initial=initial, auto_id="set_review_%s")

    @cached_property
    def suggested_owner(self):
        """Whose action is likeliest to come next: the presenter on the clock, or the last."""
        slot = self.running_slot or (self.slots[-1] if self.slots else None)
        return slot.presenter if slot else None


def page_context(request, meeting, **forms):
    """Everything the page and its fragments need; `forms` replaces a panel's blank form
    with one that keeps what was typed."""
    page = MeetingPage(request, meeting)
    context = {"page": page, "notice": None, "want_choices": Want.choices}
    if page.working:
        context.update(
            slot_form=meeting_forms.SlotAddForm(meeting=meeting, members=lambda: page.members),
            action_form=meeting_forms.ActionForm(
                meeting=meeting,
                members=lambda: page.members,
                initial={"owner": page.suggested_owner},
            ),
            review_form=meeting_forms.ReviewForm(
                meeting=meeting, initial={"process_review": meeting.process_review}
            ),
            share_form=meeting_forms.BidsToAirtimeForm(
                meeting=meeting, initial={"available_minutes": page.meeting_minutes}
            ),
        )
    if page.can_bid:
        context["bid_form"] = meeting_forms.BidForm(meeting=meeting, member=page.user)
    context.update(forms)
    return context


@dataclass
class Notice:
    """A message shown at the top of the panel it is about."""

    panel: str
    level: str
    messages: list
    unsaved: str = ""


def form_messages(form):
    return [error for errors in form.errors.values() for error in errors]


# The panels

# Translated where it is shown; tests compare the English.
CONFLICT = gettext_noop(
    "Someone else changed this meeting a moment ago — here are the current values; "
    "make your change again."
)


class PanelView(MeetingPageMixin, TemplateView):
    """An endpoint one panel of the meeting page posts to.

    Success: with htmx, the fresh fragment and an `HX-Trigger` that brings the page's other
    forms to the new revision; without, a redirect back to the panel. Refusal (400) and
    conflict (409): the whole panel, fresh, with the reason at its top; without htmx, the
    whole page.
    """

    permission = "meetings.run_meeting"
    http_method_names = ["post"]
    template_name = "sessions/meeting.html"
    panel = ""  # the fragment's name; its element's id is "<panel>-panel"
    forms = {}  # the form class for each `op` the panel posts
    kept_as = {}  # form class → context name, for forms whose typed values are kept
    keep_on_conflict = True
    saved_message = gettext_lazy("Saved.")

    @property
    def fragment(self):
        return f"sessions/partials/{self.panel}.html"

    def post(self, request, *args, **kwargs):
        form_class = self.forms.get(request.POST.get("op", ""))
        if form_class is None:
            return self.refused([gettext("That is not something this panel can do.")])
        form = form_class(request.POST, meeting=self.meeting)
        if not form.is_valid():
            return self.refused(form_messages(form), form)
        revision = form.cleaned_data["revision"]
        try:
            self.save(**form.cleaned_data)
        except running.StaleMeeting:
            return self.conflict(form)
        except ValidationError as error:
            return self.refused(error.messages, form)
        return self.saved(revision)

    def save(self, **data):
        """Each panel writes its cleaned form through its service in sessions.services.running."""
        raise NotImplementedError

    def fresh_context(self, **forms):
        self.meeting.refresh_from_db()
        return self.get_context_data(**page_context(self.request, self.meeting, **forms))

    def panel_response(self, notice, status, forms):
        context = self.fresh_context(**forms)
        context["notice"] = notice
        if not self.request.htmx:
            return render(self.request, self.template_name, context, status=status)
        response = render(self.request, self.fragment, context, status=status)
        response["HX-Retarget"] = f"#{self.panel.replace('_', '-')}-panel"
        response["HX-Reswap"] = "outerHTML"
        return response

    def refused(self, reasons, form=None):
        name = self.kept_as.get(type(form))
        forms = {name: form} if name else {}
        return self.panel_response(Notice(self.panel, "danger", reasons), 400, forms)

    def conflict(self, form):
        name = self.kept_as.get(type(form)) if self.keep_on_conflict else None
        forms = {}
        if name:
            values = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
            forms = {name: type(form)(meeting=self.meeting, initial=values)}
        notice = Notice(self.panel, "warning", [gettext(CONFLICT)], self.unsaved_text(form))
        return self.panel_response(notice, 409, forms)

    def unsaved_text(self, form):
        return ""

    def saved(self, revision):
        if not self.request.htmx:
            messages.success(self.request, self.saved_message)
            panel_id = self.panel.replace("_", "-")
            return redirect(f"{self.meeting.get_absolute_url()}#{panel_id}-panel")
        response = self.render_saved(self.fresh_context())
        # Exactly the revision this save made: should someone else have saved since, forms
        # moved to it are still refused.
        response["HX-Trigger"] = json.dumps(
            {"meetingSaved": {"from": revision, "to": revision + 1}}
        )
        return response

    def render_saved(self, context):
        return render(self.request, self.fragment, context)


def ops(form_class, *names):
    return dict.fromkeys(names, form_class)
