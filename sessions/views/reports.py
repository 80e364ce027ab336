"""Attendance reports and exports: a programme's, for its admins, and a set's, for its
facilitators and the programme's admins. Attendance only, never what was said.

Exports run outside the request's transaction: a CSV is streamed after the view returns,
reading rows through a database cursor that must outlive the view, so the audit event is
committed on its own (sessions.services.reporting) before the response goes out.
"""

from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format, number_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from alsspace.audit import client_ip
from sessions import exports
from sessions.forms.reports import (
    MEMBER_CHOICES,
    STATUSES,
    AttendanceExportForm,
    ReportFilterForm,
)
from sessions.paths import pk_path
from sessions.reports import chart
from sessions.reports.attendance import (
    Tally,
    attendance_report,
    exported_attendance,
    member_page,
)
from sessions.services import reporting
from sets.views.mixins import AdministeredProgrammeMixin, SetPageMixin

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SetRow:
    """A row of the table of sets, worked out in Python: per row, {% url %}, |date and
    lookups through the set's summary would cost more than the rest of the row."""

    name: str
    report_url: str
    schedule_url: str
    facilitators: str
    next_meeting: str  # in words, in the programme's time zone; "" when none is scheduled
    next_meeting_iso: str
    meetings_held: int
    tally: Tally
    below: bool  # below the programme's attendance threshold


def set_rows(report):
    report_path, schedule_path = pk_path("meetings:set_report"), pk_path("meetings:schedule")
    zone, threshold = report.scope.zone, report.threshold

    @cache  # sets often meet at the same times: write each time once
    def in_words(moment):
        return date_format(moment.astimezone(zone), "D j M Y, H:i")

    rows = []
    for summary in report.sets:
        pk, upcoming = summary.learning_set.pk, summary.next_meeting
        rows.append(
            SetRow(
                name=summary.learning_set.name,
                report_url=report_path(pk),
                schedule_url=schedule_path(pk),
                facilitators=", ".join(summary.facilitators),
                next_meeting=in_words(upcoming) if upcoming else "",
                next_meeting_iso=upcoming.astimezone(zone).isoformat() if upcoming else "",
                meetings_held=summary.meetings_held,
                tally=summary.tally,
                below=summary.tally.below(threshold),
            )
        )
    return rows


class ProgrammeScopeMixin(AdministeredProgrammeMixin):
    """A programme's report: its admins only; anyone else gets 404."""

    permission = "sets.view_programme"
    report_set = None

    @property
    def report_programme(self):
        return self.programme

    def urls(self):
        pk = self.programme.pk
        return {
            "report_url": reverse("meetings:programme_report", args=[pk]),
            "export_url": reverse("meetings:attendance_export", args=[pk]),
        }


class SetScopeMixin(SetPageMixin):
    """A set's report: its facilitators and the programme's admins (403 for its members,
    404 for anyone with no relation to the set)."""

    permission = "meetings.view_attendance_report_learningset"

    @property
    def report_set(self):
        return self.learning_set

    @property
    def report_programme(self):
        return self.learning_set.programme

    def urls(self):
        pk = self.learning_set.pk
        return {
            "report_url": reverse("meetings:set_report", args=[pk]),
            "export_url": reverse("meetings:set_attendance_export", args=[pk]),
        }


class ReportView(TemplateView):
    """Rates per set, one page of members with those below the threshold first, and the
    chart per month, for the filters in the query string (400 when they are wrong)."""

    template_name = "sessions/report.html"

    def get(self, request, *args, **kwargs):
        form = ReportFilterForm(
            request.GET, programme=self.report_programme, learning_set=self.report_set
        )
        context = {"form": form, "page_title": _("Attendance"), **self.urls()}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context), status=400)
        report = attendance_report(form.scope())
        below_only = form.below_only()
        subject = self.report_set.name if self.report_set else self.report_programme.name
        filters = {name: value for name, value in form.query().items() if value}
        choices = [
            (label, urlencode({**filters, "members": value}), (value == "below") == below_only)
            for value, label in MEMBER_CHOICES
        ]
        return self.render_to_response(
            self.get_context_data(
                report=report,
                set_rows=set_rows(report),
                members=member_page(report, request.GET.get("page"), below_only=below_only),
                below_only=below_only,
                member_choices=choices,
                page_query=urlencode({**filters, "members": "below" if below_only else "all"}),
                chart=chart.attendance_heatmap(
                    report, _("Attendance per month: %(subject)s") % {"subject": subject}
                ),
                export_query=form.query(),
                statuses=STATUSES,
                **context,
            )
        )


class ProgrammeReportView(ProgrammeScopeMixin, ReportView):
    pass


class SetReportView(SetScopeMixin, ReportView):
    pass


def _export_name(scope, form):
    parts = [slugify(scope.programme.name) or "programme"]
    if scope.learning_set is not None:
        parts.append(slugify(scope.learning_set.name) or "set")
    parts.append("attendance")
    first, last = form.cleaned_data.get("from"), form.cleaned_data.get("to")
    if first or last:
        parts.append(f"{first or 'start'}-to-{last or 'now'}")
    return "-".join(parts)


class ExportView(View):
    """The attendance rows as a streamed CSV or an XLSX workbook with summaries. Every
    export is an audit event naming the filters it used."""

    def get(self, request, *args, **kwargs):
        form = AttendanceExportForm(
            request.GET, programme=self.report_programme, learning_set=self.report_set
        )
        if not form.is_valid():
            return self.refuse(form)
        scope = form.scope()
        file_format = form.cleaned_data["format"]
        rows = exported_attendance(scope).count()
        if file_format == "xlsx" and rows > exports.XLSX_MAX_ROWS:
            form.add_error(
                "format",
                _(
                    "These filters select %(rows)s rows; an Excel download holds up to "
                    "%(most)s. Download CSV instead, which has no limit, or choose one set or "
                    "fewer dates."
                )
                % {
                    "rows": number_format(rows, force_grouping=True),
                    "most": number_format(exports.XLSX_MAX_ROWS, force_grouping=True),
                },
            )
            return self.refuse(form)
        name = _export_name(scope, form)
        if file_format == "xlsx":
            workbook = exports.attendance_xlsx(scope, now=timezone.now())
            self.record(form, scope, file_format, rows)
            response = FileResponse(
                workbook, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
            )
        else:
            self.record(form, scope, file_format, rows)
            response = StreamingHttpResponse(
                exports.attendance_csv(scope), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
        response["Cache-Control"] = "private, no-store"
        return response

    def refuse(self, form):
        context = {"form": form, "programme": self.report_programme, **self.urls()}
        return render(self.request, "sessions/export_invalid.html", context, status=400)

    def record(self, form, scope, file_format, rows):
        reporting.record_attendance_export(
            scope,
            file_format=file_format,
            rows=rows,
            first_day=form.cleaned_data.get("from"),
            last_day=form.cleaned_data.get("to"),
            actor=self.request.user,
            ip=client_ip(self.request),
        )


# On the concrete views: `as_view` copies the marker from the dispatch their MRO finds first.
outside_request_transaction = method_decorator(transaction.non_atomic_requests, name="dispatch")


@outside_request_transaction
class ProgrammeExportView(ProgrammeScopeMixin, ExportView):
    pass


@outside_request_transaction
class SetExportView(SetScopeMixin, ExportView):
    pass
