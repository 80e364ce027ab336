"""My journal: the list with its filters and search, writing, reading, editing, deleting,
and the draft saved as the author types."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView, View

from alsspace.inputs import positive_id
from alsspace.submissions import SubmitOnceMixin
from reflections import queries, services
from reflections.forms import DraftForm, EntryForm, JournalFilterForm
from reflections.search import matching_ids, snippets
from reflections.views.mixins import (
    JOURNAL_FIELDS,
    EntryPageMixin,
    JournalFormMixin,
    OwnEntryMixin,
    PrivatePageMixin,
)

PAGE_SIZE = 20


class JournalView(PrivatePageMixin, TemplateView):
    """Newest first, filtered by set and prompt; a search decrypts the author's own entries."""

    template_name = "reflections/journal.html"
    extra_context = {"nav_section": "journal"}

    def get(self, request, *args, **kwargs):
        user = request.user
        # Listed once: the side panel shows them, and their prompts are filter options.
        content_sets = list(queries.content_set_links(user))
        form = JournalFilterForm(request.GET or None, user=user, content_sets=content_sets)
        if form.is_bound and not form.is_valid():
            context = self.get_context_data(
                form=form, page=None, query="", content_sets=content_sets
            )
            return self.render_to_response(context, status=400)
        entries = queries.journal_list(user)
        query = ""
        if form.is_bound:
            if form.cleaned_data["learning_set"]:
                entries = entries.filter(learning_set=form.cleaned_data["learning_set"])
            if form.cleaned_data["prompt"]:
                entries = entries.filter(prompt=form.cleaned_data["prompt"])
            query = form.cleaned_data["q"].strip()
        if query:
            page = self.search(entries, query)
        else:
            page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        bodies = [entry.body for entry in page]
        for entry, text in zip(page, snippets(bodies, query), strict=True):
            entry.snippet = text
        context = self.get_context_data(
            form=form, page=page, query=query, content_sets=content_sets
        )
        return self.render_to_response(context)

    def search(self, entries, query):
        """Match every entry on its decrypted title and body, then load the page's entries."""
        matches = matching_ids(entries, query)
        page = Paginator(matches, PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = list(entries.filter(pk__in=page.object_list))
        return page

    def get_context_data(self, *, page, **kwargs):
        # A list of entries already shows that there are some.
        has_entries = bool(page) or queries.own_entries(self.request.user).exists()
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            page=page, has_entries=has_entries, filter_query=params.urlencode(), **kwargs
        )


class EntryCreateView(JournalFormMixin, SubmitOnceMixin, CreateView):
    """Write an entry, optionally against a prompt, about a set or a meeting
    (?prompt=, ?set=, ?meeting=). An unsaved draft comes back where it was left."""

    form_class = EntryForm
    template_name = "reflections/entry_form.html"
    extra_context = {"nav_section": "journal"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def draft(self):
        return queries.own_drafts(self.request.user).filter(entry=None).first()

    def linked(self, queryset, param):
        pk = positive_id(self.request.GET.get(param))
        return queryset.filter(pk=pk).first() if pk else None

    def get_initial(self):
        user = self.request.user
        prompt = self.linked(queries.filter_prompts(user), "prompt")
        meeting = self.linked(queries.linkable_meetings(user), "meeting")
        learning_set = self.linked(queries.participant_sets(user), "set")
        if meeting and not learning_set:
            learning_set = meeting.learning_set
        initial = {"prompt": prompt, "learning_set": learning_set, "meeting": meeting}
        if prompt and prompt.starter:
            initial["body"] = prompt.starter
        if self.request.method == "GET" and (draft := self.draft()):
            initial.update(title=draft.title, body=draft.body)
            self.restored_draft = draft
        return initial

    def get_context_data(self, **kwargs):
        form = kwargs.setdefault("form", self.get_form())  # finds the draft, if any
        return super().get_context_data(
            restored_draft=getattr(self, "restored_draft", None),
            chosen_prompt=None if form.is_bound else form.initial.get("prompt"),
            draft_url=reverse("reflections:draft"),
            draft_key="new",
            **kwargs,
        )

    def form_valid(self, form):
        entry = services.save_entry(form, author=self.request.user)
        messages.success(self.request, _("Saved. Only you can read this entry in ALS Space."))
        return redirect(entry)


class EntryDetailView(EntryPageMixin, DetailView):
    permission = "reflections.view_journalentry"


class EntryEditView(JournalFormMixin, OwnEntryMixin, UpdateView):
    permission = "reflections.change_journalentry"
    form_class = EntryForm
    template_name = "reflections/entry_form.html"
    context_object_name = "entry"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # The form shows the entry; a draft with other text goes over it.
        draft = queries.own_drafts(self.request.user).filter(entry=self.entry).first()
        entry = self.entry
        if (
            self.request.method == "GET"
            and draft
            and (draft.title, draft.body)
            != (
                entry.title,
                entry.body,
            )
        ):
            self.restored_draft = draft
            return {"title": draft.title, "body": draft.body}
        return {}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())  # finds the draft, if any
        return super().get_context_data(
            restored_draft=getattr(self, "restored_draft", None),
            draft_url=reverse("reflections:entry_draft", args=[self.entry.pk]),
            draft_key=f"entry-{self.entry.pk}",
            **kwargs,
        )

    def form_valid(self, form):
        entry = services.save_entry(form, author=self.request.user)
        messages.success(self.request, _("Your changes are saved."))
        return redirect(entry)


class EntryDeleteView(OwnEntryMixin, DeleteView):
    permission = "reflections.delete_journalentry"
    template_name = "reflections/entry_confirm_delete.html"
    context_object_name = "entry"

    def form_valid(self, form):
        was_shared = self.entry.shared_with
        services.delete_entry(self.entry)
        if was_shared:
            message = _("The entry is deleted. %(set)s can no longer read it.") % {
                "set": was_shared
            }
        else:
            message = _("The entry is deleted.")
        messages.success(self.request, message)
        return redirect("reflections:journal")


class DraftMixin:
    """Saves what is being written (the page sends it every few seconds and as it closes),
    or discards it. Answers JSON to the page's script, a redirect to a plain form."""

    http_method_names = ["post"]

    @method_decorator(sensitive_post_parameters(*JOURNAL_FIELDS))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def form_page(self):
        if self.entry is None:
            return reverse("reflections:entry_create")
        return reverse("reflections:entry_edit", args=[self.entry.pk])

    def wants_json(self):
        return "application/json" in self.request.headers.get("Accept", "")

    def post(self, request, *args, **kwargs):
        if "discard" in request.POST:
            services.discard_draft(request.user, self.entry)
            messages.info(request, _("The draft is discarded."))
            return redirect(self.form_page())
        form = DraftForm(request.POST)
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            return JsonResponse({"saved": False, "error": " ".join(errors)}, status=400)
        draft = services.save_draft(request.user, self.entry, **form.cleaned_data)
        if not self.wants_json():
            return redirect(self.form_page())
        saved_at = timezone.localtime(draft.saved_at if draft else timezone.now())
        return JsonResponse(
            {
                "saved": True,
                "label": _("Draft saved at %(time)s") % {"time": time_format(saved_at, "H:i")},
            }
        )


class NewDraftView(PrivatePageMixin, DraftMixin, View):
    entry = None


class EntryDraftView(DraftMixin, OwnEntryMixin, View):
    permission = "reflections.change_journalentry"
