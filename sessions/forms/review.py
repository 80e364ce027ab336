"""The form of a person's contribution to a meeting's process review, which the set owns."""

from django import forms
from django.utils.translation import gettext_lazy

CONTRIBUTION_MAX = 2000


class ReviewContributionForm(forms.Form):
    """Either part, or both. Both left empty takes a saved contribution back; with none
    saved, the service refuses it."""

    how_we_worked = forms.CharField(
        label=gettext_lazy("How did we work today?"),
        max_length=CONTRIBUTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The questions, the listening, the time, the challenge: what helped, what "
            "got in the way."
        ),
    )
    do_differently = forms.CharField(
        label=gettext_lazy("What will we do differently?"),
        max_length=CONTRIBUTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("One thing the set could try next time."),
    )
