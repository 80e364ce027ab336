"""Value stories (docs/product.md#value-stories): a member tells one on their own report-back
or closing review words, and decides on "My value stories" who beyond the set may read each.
Only the author writes, changes and shares a story; within the set it is read where the
report-back or the closing review it belongs to is read
(docs/confidentiality.md#value-stories)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin, PermittedObjectMixin
from alsspace.submissions import SubmitOnceMixin
from sessions import queries
from sessions.forms.stories import StoryConsentForm, ValueStoryForm
from sessions.models import ValueStory
from sessions.services import stories
from sets.queries import content_sets

MY_STORIES = "meetings:my_value_stories"

SHARED_MESSAGES = {
    ValueStory.Consent.NONE: gettext_lazy("Only the set reads it."),
    ValueStory.Consent.NAMED: gettext_lazy(
        "The programme may read it, with your name, on its evaluation report."
    ),
    ValueStory.Consent.ANONYMISED: gettext_lazy(
        "The programme may read it, without your name, on its evaluation report."
    ),
}


class TellStoryView(SubmitOnceMixin, PermittedObjectMixin, InvalidIs400Mixin, FormView):
    """The story on one thing the person wrote: its words, its cycle and who may read it."""

    form_class = ValueStoryForm
    template_name = "sessions/value_story_form.html"
    extra_context = {"nav_section": "stories"}

    @property
    def story(self):
        return getattr(self.permitted_object, "value_story", None)

    def get_initial(self):
        story = self.story
        if story is None:
            return {"consent": ValueStory.Consent.NONE}
        return {"text": story.text, "cycle": story.cycle, "consent": story.consent}

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.story, cycles=cycle_meanings(), **kwargs)

    def form_valid(self, form):
        try:
            story = self.tell(
                actor=self.request.user, ip=client_ip(self.request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your value story is saved. %(shared)s") % {"shared": SHARED_MESSAGES[story.consent]},
        )
        return redirect(self.success_url_for())


class ReportBackStoryView(TellStoryView):
    scope = staticmethod(queries.visible_report_backs)
    permission = "meetings.tell_story_reportback"

    def tell(self, **kwargs):
        return stories.tell_report_back_story(self.permitted_object, **kwargs)

    def success_url_for(self):
        return reverse("meetings:my_actions")

    def get_context_data(self, **kwargs):
        report_back = self.permitted_object
        return super().get_context_data(
            report_back=report_back,
            learning_set=report_back.action.learning_set,
            back_url=reverse("meetings:my_actions"),
            back_label=_("Back to my actions"),
            **kwargs,
        )


class ClosingStoryView(TellStoryView):
    scope = staticmethod(queries.visible_closing_entries)
    permission = "meetings.tell_story_closingreviewentry"

    def tell(self, **kwargs):
        return stories.tell_closing_story(self.permitted_object, **kwargs)

    def success_url_for(self):
        return closing_review_url(self.permitted_object)

    def get_context_data(self, **kwargs):
        entry = self.permitted_object
        return super().get_context_data(
            closing_entry=entry,
            learning_set=entry.review.learning_set,
            back_url=closing_review_url(entry),
            back_label=_("Back to the closing review"),
            **kwargs,
        )


def closing_review_url(entry):
    return reverse("sets:closing_review", args=[entry.review.learning_set_id])


def cycle_meanings():
    return [(label, ValueStory.CYCLE_MEANINGS[value]) for value, label in ValueStory.Cycle.choices]


class MyStoriesMixin:
    template_name = "sessions/my_value_stories.html"
    extra_context = {"nav_section": "stories"}

    def stories_context(self, failed=None, failed_form=None):
        user = self.request.user
        mine = list(queries.my_value_stories(user))
        # Where the words can still change: sets whose content the person reads, still open
        # (the page it links to asks the permission itself).
        readable = set(content_sets(user).values_list("pk", flat=True)) if mine else set()
        for story in mine:
            story.can_change = (
                story.learning_set_id in readable and not story.learning_set.is_closed
            )
            story.consent_form = (
                failed_form
                if failed is not None and story.pk == failed.pk
                else StoryConsentForm(initial={"consent": story.consent}, prefix=f"s{story.pk}")
            )
        return {"stories": mine, "cycles": cycle_meanings()}


class MyValueStoriesView(MyStoriesMixin, TemplateView):
    """The person's own stories from every set they have been in, with who may read each and
    the controls to change that."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.stories_context(), **kwargs)


class StoryConsentView(SubmitOnceMixin, PermittedObjectMixin, MyStoriesMixin, FormView):
    """Give, change or take back the programme's reading of one story: its author's alone."""

    scope = staticmethod(queries.my_value_stories)
    permission = "meetings.share_valuestory"
    form_class = StoryConsentForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "prefix": f"s{self.permitted_object.pk}"}

    def form_valid(self, form):
        try:
            story = stories.share_story(
                self.permitted_object,
                actor=self.request.user,
                consent=form.cleaned_data["consent"],
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Saved: %(shared)s") % {"shared": SHARED_MESSAGES[story.consent]}
        )
        return redirect(reverse(MY_STORIES) + f"#story-{story.pk}")

    def form_invalid(self, form):
        context = self.stories_context(failed=self.permitted_object, failed_form=form)
        return self.render_to_response(self.get_context_data(**context), status=400)


class DeleteStoryView(SubmitOnceMixin, PermittedObjectMixin, InvalidIs400Mixin, FormView):
    """Its author deletes a story for good, after a confirm step that says where it is read
    now; a shared story leaves the programme's evaluation report at once."""

    scope = staticmethod(queries.my_value_stories)
    permission = "meetings.delete_valuestory"
    form_class = forms.Form
    template_name = "sessions/value_story_confirm_delete.html"
    extra_context = {"nav_section": "stories"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.permitted_object, **kwargs)

    def form_valid(self, form):
        story = self.permitted_object
        was_shared = story.is_shared
        try:
            stories.delete_story(story, actor=self.request.user, ip=client_ip(self.request))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        message = _("Your value story is deleted.")
        if was_shared:
            message = _(
                "Your value story is deleted. It is no longer on the programme's evaluation report."
            )
        messages.success(self.request, message)
        return redirect(MY_STORIES)
