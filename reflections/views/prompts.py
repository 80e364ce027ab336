"""Prompts to write against: the built-in library, the prompts of the person's sets, and a
facilitator posing one to their set."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, TemplateView

from alsspace.inputs import positive_id
from alsspace.mixins import PermittedObjectMixin
from alsspace.submissions import SubmitOnceMixin
from reflections import queries, services
from reflections.forms import IdeaFilterForm, PromptForm
from reflections.models import IDEA_IN_PLAIN_WORDS, Idea
from reflections.views.mixins import PrivatePageMixin
from sets.queries import facilitated_sets, visible_sets


@dataclass
class IdeaLink:
    """One idea in the library's filter: its name, in plain words, and where it leads."""

    value: str
    label: str
    in_plain_words: str
    url: str
    current: bool


class PromptsView(PrivatePageMixin, TemplateView):
    """The prompts of the person's sets and the library, which can be filtered by the idea
    its prompts speak to (?idea=); an idea not in the list is a 400 showing the whole
    library with the reason (docs/product.md#prompts)."""

    template_name = "reflections/prompts.html"
    extra_context = {"nav_section": "journal"}

    def get(self, request, *args, **kwargs):
        form = IdeaFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, idea=""), status=400)
        idea = form.cleaned_data["idea"] if form.is_bound else ""
        return self.render_to_response(self.get_context_data(form=form, idea=idea))

    def get_context_data(self, *, idea, **kwargs):
        user = self.request.user
        page = reverse("reflections:prompts")
        ideas = [
            IdeaLink(
                value, label, _(IDEA_IN_PLAIN_WORDS[Idea(value)]), f"{page}?idea={value}", False
            )
            for value, label in Idea.choices
        ]
        for link in ideas:
            link.current = link.value == idea
        return super().get_context_data(
            library=queries.library_prompts(idea),
            idea=next((link for link in ideas if link.current), None),
            ideas=ideas,
            set_prompts=queries.set_prompts(user),
            poseable_sets=[
                learning_set
                for learning_set in facilitated_sets(user).order_by("name")
                if user.has_perm("reflections.pose_prompt_learningset", learning_set)
            ],
            **kwargs,
        )


class SetPromptCreateView(PrivatePageMixin, SubmitOnceMixin, PermittedObjectMixin, CreateView):
    """A facilitator poses a question to their set. They never learn who writes against it."""

    scope = staticmethod(visible_sets)
    permission = "reflections.pose_prompt_learningset"
    form_class = PromptForm
    template_name = "reflections/prompt_form.html"
    extra_context = {"nav_section": "home"}

    def get_scope(self):
        return super().get_scope().select_related("programme")

    @property
    def learning_set(self):
        return self.permitted_object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "learning_set": self.learning_set}

    def get_initial(self):
        latest = self.learning_set.meetings.filter(status="held").order_by("-starts_at").first()
        return {"meeting": latest, **self.from_library()}

    def from_library(self):
        """Posing one of the library's prompts (?from=<its id>): the form starts from its
        question, guidance and idea, for the facilitator to adapt. An id that names no
        library prompt is ignored, and the form starts empty."""
        pk = positive_id(self.request.GET.get("from"))
        prompt = queries.library_prompts().filter(pk=pk).first() if pk else None
        if prompt is None:
            return {}
        return {
            "question": prompt.question,
            "guidance": prompt.guidance,
            "idea": prompt.idea,
            "library": prompt.pk,
        }

    def get_context_data(self, **kwargs):
        programme = self.learning_set.programme
        return super().get_context_data(
            learning_set=self.learning_set,
            programme=programme,
            can_view_programme=self.request.user.has_perm("sets.view_programme", programme),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        services.pose_prompt(form, self.learning_set, posed_by=self.request.user)
        messages.success(
            self.request,
            _(
                "Your prompt is now on the Prompts page of every member of %(set)s. "
                "Nobody, you included, will see who writes against it."
            )
            % {"set": self.learning_set},
        )
        return redirect(reverse("reflections:prompts") + f"#set-{self.learning_set.pk}")
