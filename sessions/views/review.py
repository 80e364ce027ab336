"""Adding to a meeting's process review, which the set owns: how we worked today, and what
we will do differently. The meeting page shows the set's contributions and the form; this
endpoint saves one person's own. The facilitator's private note is the meeting page's review
panel (sessions.views.meeting.ReviewView) and stays theirs.

The set's facilitators and members under the contract add to it and read it; programme
admins never do (docs/confidentiality.md#who-sees-what).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.generic import FormView

from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sessions.forms.review import ReviewContributionForm
from sessions.models import ReviewContribution
from sessions.services import review
from sessions.views.mixins import MeetingPageMixin


class ReviewContributionView(SubmitOnceMixin, MeetingPageMixin, InvalidIs400Mixin, FormView):
    """The person's own contribution: the form on its own page (also where a refused one is
    shown again, as 400), saved back to the meeting page."""

    permission = "meetings.contribute_review_meeting"
    form_class = ReviewContributionForm
    template_name = "sessions/review_contribution.html"

    def get_initial(self):
        own = ReviewContribution.objects.filter(
            meeting=self.meeting, author=self.request.user
        ).first()
        if own is None:
            return {}
        return {"how_we_worked": own.how_we_worked, "do_differently": own.do_differently}

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=gettext("The set’s review"), **kwargs)

    def form_valid(self, form):
        try:
            saved = review.save_review_contribution(
                self.meeting, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Your part of the review is saved; the set can read it.")
            if saved
            else gettext("Your part of the review is taken back."),
        )
        return redirect(f"{self.meeting.get_absolute_url()}#set-review-panel")
