"""A set's closing review: the facilitator opens it, each member records what they learned,
what they will keep doing and, if they like, a story of the difference the set made; the set
reads them; then the set is closed (sets.views.learning_sets.SetCloseView), read-only.

The set's facilitators and members under the contract read it; programme admins never do
(docs/confidentiality.md#who-sees-what).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sets import queries, services
from sets.forms.closing import ClosingReviewEntryForm
from sets.models import ClosingReviewEntry, Membership
from sets.views.mixins import SetPageMixin


def closing_review_url(learning_set):
    return reverse("sets:closing_review", args=[learning_set.pk])


class ClosingReviewView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    permission = "sets.view_closing_review_learningset"
    template_name = "sets/closing_review.html"
    form_class = ClosingReviewEntryForm

    def get_permitted_object(self):
        learning_set = super().get_permitted_object()
        self.review = services.closing_review(learning_set)
        return learning_set

    @property
    def own_entry(self):
        if self.review is None:
            return None
        return self.review.entries.filter(author=self.request.user).first()

    def get_initial(self):
        entry = self.own_entry
        if entry is None:
            return {}
        return {"learned": entry.learned, "keep_doing": entry.keep_doing, "story": entry.story}

    def get_context_data(self, **kwargs):
        user = self.request.user
        learning_set = self.learning_set
        entries = (
            list(
                ClosingReviewEntry.objects.filter(review=self.review)
                .select_related("author")
                .order_by("created_at", "pk")
            )
            if self.review
            else []
        )
        written = {entry.author_id for entry in entries}
        # Those who can write theirs: members under the current contract (a pending member
        # cannot until they accept), and whoever already has.
        members = [
            m
            for m in queries.roster(learning_set)
            if m.role == Membership.Role.MEMBER and (m.accepted_contract or m.user_id in written)
        ]
        return super().get_context_data(
            review=self.review,
            entries=entries,
            has_written=user.pk in written,
            waiting=[m for m in members if m.user_id not in written],
            written_count=sum(1 for m in members if m.user_id in written),
            member_count=len(members),
            can_write=self.review is not None
            and user.has_perm("sets.write_closing_review_learningset", learning_set),
            can_open=user.has_perm("sets.open_closing_review_learningset", learning_set),
            can_close=user.has_perm("sets.close_learningset", learning_set),
            page_title=_("Closing review"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.review is None or not request.user.has_perm(
            "sets.write_closing_review_learningset", self.learning_set
        ):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.write_closing_review_entry(
                self.learning_set, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your closing review is saved. The set can read it, and it is in your own data "
                "download."
            ),
        )
        return redirect(closing_review_url(self.learning_set))


class OpenClosingReviewView(SubmitOnceMixin, SetPageMixin, View):
    permission = "sets.open_closing_review_learningset"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.open_closing_review(
                self.learning_set, actor=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.learning_set)
        messages.success(
            request,
            _(
                "The closing review is open. Everyone in the set has been emailed to add their "
                "own; close the set once they have."
            ),
        )
        return redirect(closing_review_url(self.learning_set))
