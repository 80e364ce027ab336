"""The forms of a value story: its words, the value-creation cycle it speaks to, and who
beyond the set may read it (docs/product.md#value-stories)."""

from django import forms
from django.utils.translation import gettext_lazy

from sessions.models import ValueStory

STORY_MAX = 4000

CONSENT_CHOICES = [
    (
        ValueStory.Consent.NONE,
        gettext_lazy("Only the set: it is read beside your report-back or closing review"),
    ),
    (
        ValueStory.Consent.ANONYMISED,
        gettext_lazy(
            "The set, and the programme without my name: on the programme’s evaluation "
            "report, with the set’s name and nothing that names me"
        ),
    ),
    (
        ValueStory.Consent.NAMED,
        gettext_lazy(
            "The set, and the programme with my name: on the programme’s evaluation report"
        ),
    ),
]

CONSENT_ERRORS = {
    "required": gettext_lazy("Choose who may read the story."),
    "invalid_choice": gettext_lazy("Choose who may read the story from the list."),
}


def cycle_choices():
    """Each kind of value with its meaning, in the active language."""
    return [
        (value, f"{label}: {ValueStory.CYCLE_MEANINGS[value]}")
        for value, label in ValueStory.Cycle.choices
    ]


class ValueStoryForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What difference is the set making, and for whom?"),
        max_length=STORY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "In your own words: what happened, for you or for others, because of the set."
        ),
        error_messages={
            "required": gettext_lazy("Write the story: what difference did the set make?")
        },
    )
    cycle = forms.ChoiceField(
        label=gettext_lazy("Which kind of value is it?"),
        choices=cycle_choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Choose the one that fits best: the kinds build on each other, and a story can "
            "move on to the next one later."
        ),
        error_messages={
            "required": gettext_lazy("Choose which kind of value the story speaks of."),
            "invalid_choice": gettext_lazy(
                "Choose which kind of value the story speaks of from the list."
            ),
        },
    )
    consent = forms.ChoiceField(
        label=gettext_lazy("Who may read it?"),
        choices=CONSENT_CHOICES,
        initial=ValueStory.Consent.NONE,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "You can change this, or take it back, at any time from “My value stories”."
        ),
        error_messages=CONSENT_ERRORS,
    )


class StoryConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label=gettext_lazy("Who may read it?"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages=CONSENT_ERRORS,
    )
