"""Sharing an entry with one of the author's sets, taking it back, and the set's page of
shared reflections."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView, View

from alsspace.audit import client_ip
from alsspace.mixins import PermittedObjectMixin
from reflections import queries, services
from reflections.forms import ShareForm
from reflections.rendering import render_markdown
from reflections.views.mixins import EntryPageMixin, OwnEntryMixin, PrivatePageMixin
from sets.queries import visible_sets

PAGE_SIZE = 20


class EntryShareView(EntryPageMixin, DetailView):
    """The share form sits on the entry's page, which comes back with the error when the
    choice is refused."""

    permission = "reflections.share_journalentry"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.entry
        form = ShareForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(share_form=form), status=400)
        learning_set = form.cleaned_data["learning_set"]
        services.share_entry(self.entry, learning_set, actor=request.user, ip=client_ip(request))
        messages.success(
            request,
            _(
                "Shared with %(set)s. Its members and facilitator can read it now, with "
                "your name. Take it back whenever you like."
            )
            % {"set": learning_set},
        )
        return redirect(self.entry)


class EntryUnshareView(OwnEntryMixin, View):
    permission = "reflections.share_journalentry"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        learning_set = self.entry.shared_with
        services.unshare_entry(self.entry, actor=request.user, ip=client_ip(request))
        if learning_set:
            messages.success(
                request,
                _("Taken back. %(set)s can no longer read this entry.") % {"set": learning_set},
            )
        return redirect(self.entry)


class SharedReflectionsView(PrivatePageMixin, PermittedObjectMixin, TemplateView):
    """What members chose to share with the set: for its facilitators and the members who
    have accepted its contract, never the programme's admins."""

    scope = staticmethod(visible_sets)
    permission = "sets.view_content_learningset"
    template_name = "reflections/shared.html"
    extra_context = {"nav_section": "home"}

    def get_scope(self):
        return super().get_scope().select_related("programme")

    def get_context_data(self, **kwargs):
        learning_set = self.permitted_object
        page = Paginator(queries.shared_entries(learning_set), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        for entry in page:
            entry.body_html = render_markdown(entry.body, heading_offset=2)
        return super().get_context_data(
            learning_set=learning_set,
            programme=learning_set.programme,
            can_view_programme=self.request.user.has_perm(
                "sets.view_programme", learning_set.programme
            ),
            page=page,
            can_share=self.request.user.has_perm(
                "reflections.share_into_learningset", learning_set
            ),
            can_pose=self.request.user.has_perm(
                "reflections.pose_prompt_learningset", learning_set
            ),
            **kwargs,
        )
