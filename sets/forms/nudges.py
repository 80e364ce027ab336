"""Choosing which nudges one gets (docs/product.md#nudges)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sets.nudges import OPTIONAL_KINDS


class NudgeChoiceForm(forms.Form):
    """The optional kinds, ticked for on. Every box left empty turns every optional kind off."""

    kinds = forms.MultipleChoiceField(
        label=_("Email me, and show a notice on my home page, when"),
        choices=[(kind.value, kind.label) for kind in OPTIONAL_KINDS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
        error_messages={"invalid_choice": _("Choose from the kinds listed.")},
    )
