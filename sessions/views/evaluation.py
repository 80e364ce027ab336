"""The programme evaluation report, for its admins to hand to the sponsoring organisation: a
page (which prints as the report itself) and a CSV download. Figures held back below a
minimum group, and never a word of what was said (docs/reports.md#the-evaluation-report)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from alsspace.audit import client_ip
from sessions import exports
from sessions.forms.reports import EvaluationFilterForm
from sessions.reports.evaluation import evaluation
from sessions.services import reporting
from sets.views.mixins import AdministeredProgrammeMixin


class EvaluationScopeMixin(AdministeredProgrammeMixin):
    """The programme's admins only; anyone else gets 404."""

    permission = "meetings.view_evaluation_programme"

    def filter_form(self):
        return EvaluationFilterForm(self.request.GET, programme=self.programme)

    def export_url(self, form):
        """The CSV of the same months."""
        url = reverse("meetings:evaluation_export", args=[self.programme.pk])
        query = urlencode({name: value for name, value in form.query().items() if value})
        return f"{url}?{query}" if query else url


class EvaluationView(EvaluationScopeMixin, TemplateView):
    """The report for the months in the query string (400, with what is wrong, when they
    cannot be used)."""

    template_name = "sessions/evaluation.html"

    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        context = {"form": form, "page_title": _("Evaluation report")}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context), status=400)
        return self.render_to_response(
            self.get_context_data(
                report=evaluation(form.scope()),
                period=form.period(),
                export_url=self.export_url(form),
                **context,
            )
        )


class EvaluationExportView(EvaluationScopeMixin, View):
    """The same figures as CSV; each download is recorded in the programme's audit log."""

    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        if not form.is_valid():
            context = {
                "form": form,
                "programme": self.programme,
                "report_name": _("evaluation report"),
                "report_url": reverse("meetings:evaluation", args=[self.programme.pk]),
            }
            return render(request, "sessions/export_invalid.html", context, status=400)
        period = form.period()
        report = evaluation(form.scope())
        reporting.record_evaluation_export(
            self.programme, period=period, actor=request.user, ip=client_ip(request)
        )
        body = "".join(exports.evaluation_csv(report, period))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        first, last = form.months()
        name = [slugify(self.programme.name) or "programme", "evaluation"]
        if first or last:
            start = f"{first:%Y-%m}" if first else "start"
            name.append(f"{start}-to-{f'{last:%Y-%m}' if last else 'now'}")
        response["Content-Disposition"] = content_disposition_header(True, f"{'-'.join(name)}.csv")
        response["Cache-Control"] = "private, no-store"
        return response
