"""The facilitator's dashboard: a set's open inaction prompts first, then its attendance,
airtime, action flow and pulse trend; an overview for facilitators of several sets; and what
a facilitator does with a prompt (mark it raised, or dismiss it with a note).

Only the set's facilitators: members and the programme's admins get 403, anyone else 404.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from alsspace.mixins import InvalidIs400Mixin, PermittedObjectMixin
from sessions import charts, pulse, queries, reviews
from sessions.forms.prompts import DismissPromptForm, RaisePromptForm, prefix_for
from sessions.inaction import figures, history
from sessions.models import Meeting
from sessions.paths import pk_path
from sessions.services import prompts as prompt_services
from sets.views.mixins import SetPageMixin

# The charts draw at most this many meetings; their tables list every one.
CHART_MEETINGS = 12
# An attendance grid cell: the mark for the eye, the words for screen readers and on hover.
# The grid has a cell per member and meeting but one kind per status: each kind is written
# once per language, which costs far less than template tags in every cell.
GRID_CELLS = {}


def cells_for_language():
    """Each kind of grid cell, in the active language."""
    language = get_language()
    if language not in GRID_CELLS:
        GRID_CELLS[language] = {
            status: format_html(
                '<td class="text-center" title="{}"><span aria-hidden="true">{}</span>'
                '<span class="visually-hidden">{}</span></td>',
                words,
                mark,
                words,
            )
            for status, (mark, words) in figures.MARKS.items()
        }
    return GRID_CELLS[language]


def dashboard_url(learning_set):
    return reverse("meetings:dashboard", args=[learning_set.pk])


def label_meetings(meetings, zone):
    """Give each meeting its links, and its day and date as the page writes them, once: the
    grid, the tables and the charts name the same meetings several times."""
    page_path, pulse_path = pk_path("meetings:meeting"), pk_path("meetings:pulse_results")
    for meeting in meetings:
        local = meeting.starts_at.astimezone(zone)
        meeting.page_url, meeting.pulse_url = page_path(meeting.pk), pulse_path(meeting.pk)
        meeting.day, meeting.date = date_format(local, "j M"), date_format(local, "j M Y")


def grid_cells(row):
    """A grid row's cells, as markup."""
    kinds = cells_for_language()
    cells = "".join(kinds[cell.status] for cell in row.cells)
    return mark_safe(cells)  # noqa: S308 - each of GRID_CELLS is escaped


def raisable_meetings(learning_set):
    """Where a prompt can have been raised: the set's meetings that are not cancelled,
    latest first."""
    return list(
        learning_set.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at")
    )


def prompt_forms(prompt, meetings, zone, data=None):
    prefix = prefix_for(prompt)
    return (
        RaisePromptForm(data, meetings=meetings, zone=zone, prefix=prefix),
        DismissPromptForm(data, prefix=prefix),
    )


class DashboardsView(TemplateView):
    """Each set the person facilitates, with its next meeting and open prompt count. With
    one set there is nothing to choose between: straight to its dashboard."""

    template_name = "sessions/dashboards.html"
    extra_context = {"nav_section": "dashboard", "page_title": gettext_lazy("Dashboard")}

    def get(self, request, *args, **kwargs):
        self.sets = list(queries.dashboard_sets(request.user))
        if len(self.sets) == 1:
            return redirect(dashboard_url(self.sets[0]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(sets=self.sets, **kwargs)


class DashboardView(SetPageMixin, TemplateView):
    permission = "meetings.view_dashboard_learningset"
    template_name = "sessions/dashboard.html"
    extra_context = {"nav_section": "dashboard"}

    def get_context_data(self, **kwargs):
        learning_set = self.learning_set
        programme = learning_set.programme
        thresholds = queries.signal_thresholds(programme)
        zone = ZoneInfo(self.request.user.time_zone)
        data = history.load(learning_set, action_text=False)
        # The raise form offers the meetings raisable_meetings would, latest first.
        meetings = data.meetings[::-1]
        open_prompts = list(queries.open_prompts(learning_set))
        for prompt in open_prompts:
            prompt.raise_form, prompt.dismiss_form = prompt_forms(prompt, meetings, zone)
        columns, rows = figures.attendance_grid(data)
        label_meetings(columns, zone)
        window, shares, airtime_total = figures.airtime_shares(
            data, thresholds.airtime_window_meetings
        )
        flows = figures.action_flow(data)
        pulse_results = figures.pulse_trend(data)
        shown = [result for result in pulse_results if result.shown]
        charted_flows, charted_pulse = flows[-CHART_MEETINGS:], shown[-CHART_MEETINGS:]
        set_reviews = reviews.over_time(queries.set_review_contributions(learning_set))
        label_meetings([review.meeting for review in set_reviews], zone)
        return super().get_context_data(
            open_prompts=open_prompts,
            handled_prompts=list(queries.handled_prompts(learning_set)),
            # One set, so one answer for all its prompts (the standing is cached).
            can_act=bool(open_prompts)
            and self.request.user.has_perm("meetings.change_inactionprompt", open_prompts[0]),
            held_count=len(data.held),
            next_meeting=data.next_meeting,
            member_count=len(data.members),
            grid_columns=columns,
            grid_rows=[(row, grid_cells(row)) for row in rows],
            airtime_window=window,
            airtime_days=", ".join(meeting.day for meeting in window),
            airtime_shares=shares,
            airtime_total=airtime_total,
            airtime_chart=charts.share_chart(
                "airtime-chart",
                ngettext(
                    "Share of airtime over the last %(n)d meeting",
                    "Share of airtime over the last %(n)d meetings",
                    len(window),
                )
                % {"n": len(window)},
                [(share.member.name or share.member.email, share.percent) for share in shares],
                threshold=thresholds.airtime_share_percent,
            ),
            flows=flows,
            flow_chart=charts.flow_chart(
                "flow-chart",
                _("Actions at each meeting"),
                charted_flows,
                [flow.meeting.day for flow in charted_flows],
            ),
            pulse_results=pulse_results,
            pulse_shown=shown,
            pulse_chart=charts.pulse_chart(
                "pulse-chart",
                _("The set’s pulse"),
                charted_pulse,
                [result.meeting.day for result in charted_pulse],
            ),
            pulse_minimum=pulse.minimum_responses(programme),
            pulse_challenge=any(result.challenge is not None for result in shown),
            few_responses=pulse.FEW_RESPONSES,
            thresholds=thresholds,
            chart_meetings=CHART_MEETINGS,
            set_reviews=set_reviews,
            page_title=_("Dashboard"),
            **kwargs,
        )


class PromptActionView(PermittedObjectMixin, InvalidIs400Mixin, FormView):
    """Mark a prompt raised, or dismiss it. The dashboard posts here; the page itself shows
    one prompt and its form, for when something needs correcting."""

    scope = staticmethod(queries.visible_prompts)
    permission = "meetings.change_inactionprompt"
    template_name = "sessions/prompt_action.html"
    extra_context = {"nav_section": "dashboard"}

    @property
    def prompt(self):
        return self.permitted_object

    def get_prefix(self):
        return prefix_for(self.prompt)

    def get_context_data(self, **kwargs):
        learning_set = self.prompt.learning_set
        return super().get_context_data(
            prompt=self.prompt,
            learning_set=learning_set,
            programme=learning_set.programme,
            dashboard_url=dashboard_url(learning_set),
            action=self.action,
            page_title=self.title,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.act(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(dashboard_url(self.prompt.learning_set))


class PromptRaiseView(PromptActionView):
    form_class = RaisePromptForm
    action = "raise"
    title = gettext_lazy("Mark a prompt raised")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "meetings": raisable_meetings(self.prompt.learning_set),
            "zone": ZoneInfo(self.request.user.time_zone),
        }

    def act(self, form):
        meeting = form.cleaned_data["meeting"]
        prompt_services.raise_prompt(
            self.prompt,
            meeting=meeting,
            note=form.cleaned_data["note"],
            by=self.request.user,
        )
        zone = ZoneInfo(self.request.user.time_zone)
        day = date_format(meeting.starts_at.astimezone(zone), "j F Y")
        messages.success(
            self.request, _("Marked as raised at the meeting on %(day)s.") % {"day": day}
        )


class PromptDismissView(PromptActionView):
    form_class = DismissPromptForm
    action = "dismiss"
    title = gettext_lazy("Dismiss a prompt")

    def act(self, form):
        prompt_services.dismiss_prompt(
            self.prompt, note=form.cleaned_data["note"], by=self.request.user
        )
        messages.success(
            self.request,
            _("Prompt dismissed. Your note is kept with it, for the set's facilitators only."),
        )
