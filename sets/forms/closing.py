"""The form of a set's closing review: one person's own words."""

from django import forms
from django.utils.translation import gettext_lazy as _

ENTRY_MAX_CHARS = 4000
STORY_MAX_CHARS = 8000


class ClosingReviewEntryForm(forms.Form):
    learned = forms.CharField(
        label=_("What I learned"),
        max_length=ENTRY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("About your work, yourself, or how you learn."),
        error_messages={"required": _("Write what you learned.")},
    )
    keep_doing = forms.CharField(
        label=_("What I will keep doing"),
        max_length=ENTRY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A habit or practice from the set you will carry on without it."),
        error_messages={"required": _("Write what you will keep doing.")},
    )
    story = forms.CharField(
        label=_("A story of the difference the set made (optional)"),
        max_length=STORY_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A moment, a decision or a change you can trace back to the set."),
    )
