"""What every journal page shares: the author-only scope, responses nobody caches, and an
entry's page, which its share form posts back to."""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from alsspace.mixins import PermittedObjectMixin
from reflections import queries
from reflections.forms import ShareForm
from reflections.rendering import render_markdown

# Fields whose values never appear in error reports.
JOURNAL_FIELDS = ("title", "body")


class PrivatePageMixin:
    """Journal text must not outlive the visit in a browser's or a proxy's cache, where the
    next person at a shared computer could find it with the back button."""

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class JournalFormMixin(PrivatePageMixin):
    """Writing pages: their text never reaches an error report, and a refused form comes
    back with its errors as 400."""

    @method_decorator(sensitive_post_parameters(*JOURNAL_FIELDS))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OwnEntryMixin(PrivatePageMixin, PermittedObjectMixin):
    """Pages about one entry find it among the person's own: anyone else gets 404."""

    scope = staticmethod(queries.own_entries)
    extra_context = {"nav_section": "journal"}

    def get_scope(self):
        return queries.journal(self.request.user)

    @property
    def entry(self):
        return self.permitted_object


class EntryPageMixin(OwnEntryMixin):
    """An entry's page, with the form that shares it: read (journal.EntryDetailView) and
    shown again, with the error, when a share is refused (sharing.EntryShareView)."""

    template_name = "reflections/entry_detail.html"
    context_object_name = "entry"

    def get_context_data(self, **kwargs):
        user = self.request.user
        shareable = list(queries.shareable_sets(user))
        kwargs.setdefault(
            "share_form",
            ShareForm(user=user, initial={"learning_set": self.entry.learning_set_id}),
        )
        return super().get_context_data(
            body_html=render_markdown(self.entry.body),
            shareable_sets=shareable,
            share_elsewhere=[s for s in shareable if s.pk != self.entry.shared_with_id],
            **kwargs,
        )
