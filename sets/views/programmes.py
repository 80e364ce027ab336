"""Programme admin pages: programmes, their sets and admins, member imports, the audit log."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin, PermissionMixin, PermittedObjectMixin
from alsspace.models import AuditEvent
from alsspace.submissions import SubmitOnceMixin
from sets import audit_log, imports, queries, services, shape
from sets.forms.programmes import (
    AddAdminForm,
    AuditFilterForm,
    ImportConfirmForm,
    ImportForm,
    LearningSetForm,
    ProgrammeForm,
    RemoveAdminForm,
)
from sets.views.mixins import AdministeredProgrammeMixin, ProgrammeNavMixin


class ProgrammeListView(ProgrammeNavMixin, ListView):
    template_name = "sets/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return queries.administered_programmes(self.request.user).annotate(set_count=Count("sets"))

    def get_context_data(self, **kwargs):
        can_add = self.request.user.has_perm("sets.add_programme")
        return super().get_context_data(can_add_programme=can_add, **kwargs)


class ProgrammeCreateView(
    SubmitOnceMixin, ProgrammeNavMixin, PermissionMixin, InvalidIs400Mixin, CreateView
):
    permission = "sets.add_programme"
    form_class = ProgrammeForm
    template_name = "sets/programme_form.html"

    def form_valid(self, form):
        programme = services.create_programme(
            form, actor=self.request.user, ip=client_ip(self.request)
        )
        messages.success(
            self.request,
            _("Programme “%(name)s” created. Next, add its first set.") % {"name": programme},
        )
        return redirect(programme)


class ProgrammeDetailView(AdministeredProgrammeMixin, DetailView):
    permission = "sets.view_programme"
    template_name = "sets/programme_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sets=queries.programme_sets(self.programme),
            admins=self.programme.admins.all(),
            **kwargs,
        )


class ProgrammeEditView(AdministeredProgrammeMixin, InvalidIs400Mixin, UpdateView):
    permission = "sets.change_programme"
    form_class = ProgrammeForm
    template_name = "sets/programme_form.html"

    def form_valid(self, form):
        programme = services.save_programme(
            form, actor=self.request.user, ip=client_ip(self.request)
        )
        messages.success(self.request, _("Programme details saved."))
        return redirect(programme)


class ProgrammeAdminsView(SubmitOnceMixin, AdministeredProgrammeMixin, DetailView):
    """Add an admin by the email of an existing account, or remove one (never the last)."""

    permission = "sets.change_programme"
    template_name = "sets/programme_admins.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("add_form", AddAdminForm(programme=self.programme))
        return super().get_context_data(admins=self.programme.admins.all(), **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.programme
        if "remove" in request.POST:
            return self.remove_admin(RemoveAdminForm(request.POST, programme=self.programme))
        return self.add_admin(AddAdminForm(request.POST, programme=self.programme))

    def add_admin(self, form):
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(add_form=form), status=400)
        try:
            services.add_programme_admin(
                self.programme, form.user, actor=self.request.user, ip=client_ip(self.request)
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.render_to_response(self.get_context_data(add_form=form), status=400)
        messages.success(
            self.request, _("%(person)s is now an admin of this programme.") % {"person": form.user}
        )
        return redirect("sets:programme_admins", self.programme.pk)

    def remove_admin(self, form):
        if not form.is_valid():
            return self.refuse_removal(form.errors["remove"][0])
        admin = form.cleaned_data["remove"]
        try:
            services.remove_programme_admin(
                self.programme, admin, actor=self.request.user, ip=client_ip(self.request)
            )
        except ValidationError as error:
            return self.refuse_removal(error.messages[0])
        if admin.pk == self.request.user.pk:
            messages.success(
                self.request,
                _("You are no longer an admin of %(programme)s.") % {"programme": self.programme},
            )
            return redirect("sets:programmes")
        messages.success(
            self.request,
            _("%(person)s is no longer an admin of this programme.") % {"person": admin},
        )
        return redirect("sets:programme_admins", self.programme.pk)

    def refuse_removal(self, reason):
        return self.render_to_response(self.get_context_data(remove_error=reason), status=400)


class SetFormMixin(ProgrammeNavMixin, InvalidIs400Mixin):
    form_class = LearningSetForm
    template_name = "sets/set_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programme": self.get_programme()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.get_programme(), **kwargs)

    def save_set(self, form):
        """The set, or None when another request took its name in the programme first."""
        try:
            with transaction.atomic():
                return form.save()
        except IntegrityError:
            name = form.cleaned_data["name"]
            form.add_error(
                "name", _("This programme already has a set called “%(name)s”.") % {"name": name}
            )
            return None


class SetCreateView(SubmitOnceMixin, SetFormMixin, PermittedObjectMixin, CreateView):
    scope = staticmethod(queries.administered_programmes)
    permission = "sets.add_set_programme"

    def get_programme(self):
        return self.permitted_object

    def form_valid(self, form):
        learning_set = self.save_set(form)
        if learning_set is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Set “%(name)s” created. Next, give it a facilitator and members: invite them "
                "here, or assign someone already in the programme as its facilitator."
            )
            % {"name": learning_set},
        )
        return redirect(learning_set)


class SetEditView(SetFormMixin, PermittedObjectMixin, UpdateView):
    scope = staticmethod(queries.visible_sets)
    permission = "sets.change_learningset"

    def get_programme(self):
        return self.permitted_object.programme

    def form_valid(self, form):
        learning_set = self.save_set(form)
        if learning_set is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Set “%(name)s” saved.") % {"name": learning_set})
        return redirect(self.get_programme())


class ImportMembersView(AdministeredProgrammeMixin, InvalidIs400Mixin, FormView):
    """Upload a CSV and see who it would invite, where and in which role, with any set it
    would leave outside 4–8 members; nothing is sent until the preview is confirmed. A file
    with a problem in any row is refused whole, each problem shown."""

    permission = "sets.import_members_programme"
    form_class = ImportForm
    template_name = "sets/import_members.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=imports.COLUMNS,
            max_rows=imports.MAX_ROWS,
            sets=self.programme.sets.exclude(status="closed").order_by("name"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            text = imports.read_upload(form.cleaned_data["file"])
            check = imports.check_text(self.programme, text)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        if check.problems:
            return self.render_to_response(
                self.get_context_data(form=form, problems=check.problems), status=400
            )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                preview=check.rows,
                warnings=imports.set_warnings(check.rows),
                confirm_form=ImportConfirmForm(
                    initial={"preview": imports.sign(self.programme, text)}
                ),
            )
        )


class ImportConfirmView(SubmitOnceMixin, AdministeredProgrammeMixin, InvalidIs400Mixin, FormView):
    """Invite everyone a preview showed, checking the file again first: all or nothing."""

    permission = "sets.import_members_programme"
    form_class = ImportConfirmForm
    template_name = "sets/import_members.html"
    http_method_names = ["post"]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportForm())
        return super().get_context_data(
            columns=imports.COLUMNS,
            max_rows=imports.MAX_ROWS,
            sets=self.programme.sets.exclude(status="closed").order_by("name"),
            **kwargs,
        )

    def refuse(self, error, problems=None):
        return self.render_to_response(
            self.get_context_data(error=error, problems=problems), status=400
        )

    def form_invalid(self, form):
        return self.refuse(form.errors["preview"][0])

    def form_valid(self, form):
        try:
            text = imports.unsign(self.programme, form.cleaned_data["preview"])
            check = imports.check_text(self.programme, text)
        except imports.ImportFileError as error:
            return self.refuse(str(error))
        if check.problems:
            # Someone joined, was invited or a set closed since the preview.
            return self.refuse(
                _("Since the preview, the programme has changed. Nothing was imported."),
                check.problems,
            )
        try:
            invitations = services.import_members(
                self.programme, check.rows, actor=self.request.user, ip=client_ip(self.request)
            )
        except ValidationError as error:
            # Someone invited one of these people while the file was being checked.
            return self.refuse(
                _("%(reason)s Nothing was imported; please try again.")
                % {"reason": error.messages[0]}
            )
        count = len(invitations)
        message = ngettext("Invited %(count)d person.", "Invited %(count)d people.", count) % {
            "count": count
        }
        if any(invitation.needs_approval for invitation in invitations):
            message += " " + _(
                "The invitation to your own address waits for another programme admin or the "
                "set's facilitator to approve it."
            )
        messages.success(self.request, message)
        # Past 8 members is allowed, and said (sets.shape).
        for learning_set in {row.learning_set.pk: row.learning_set for row in check.rows}.values():
            warning = shape.too_large(*queries.set_size(learning_set))
            if warning:
                messages.warning(
                    self.request,
                    _("%(set)s: %(warning)s") % {"set": learning_set, "warning": warning},
                )
        return redirect(self.programme)


class ImportExampleView(AdministeredProgrammeMixin, View):
    """An example import file naming this programme's own sets."""

    permission = "sets.import_members_programme"

    def get(self, request, *args, **kwargs):
        set_names = [s.name for s in self.programme.sets.exclude(status="closed").order_by("name")]
        set_names = (set_names or ["Set A"])[:2]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="import-example.csv"'
        imports.write_example(response, set_names)
        return response


class AuditLogView(AdministeredProgrammeMixin, ListView):
    """The programme's audit log, newest first, filtered by what happened, a person and
    days. Filters that cannot be used answer 400 with what is wrong and list nothing."""

    permission = "sets.view_audit_programme"
    template_name = "sets/audit_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.form = AuditFilterForm(request.GET, zone=request.user.time_zone)
        if not self.form.is_valid():
            self.object_list = AuditEvent.objects.none()
            return self.render_to_response(self.get_context_data(), status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.programme_audit_events(self.programme, **self.form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = context["events"]
        names = queries.names_by_email(audit_log.people_named(events)) if events else {}
        query = {k: v for k, v in self.form.data.items() if k in self.form.fields and v}
        return {
            **context,
            "form": self.form,
            "rows": [audit_log.describe(event, names) for event in events],
            "filter_query": urlencode(query),
        }
