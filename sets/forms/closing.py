"""The form of a set's closing review: one person's own words."""

from django import forms

ENTRY_MAX_CHARS = 4000
STORY_MAX_CHARS = 8000


class ClosingReviewEntryForm(forms.Form):
    learned = forms.CharField(
        label="What I learned",
        max_length=ENTRY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="About your work, yourself, or how you learn.",
        error_messages={"required": "Write what you learned."},
    )
    keep_doing = forms.CharField(
        label="What I will keep doing",
        max_length=ENTRY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A habit or practice from the set you will carry on without it.",
        error_messages={"required": "Write what you will keep doing."},
    )
    story = forms.CharField(
        label="A story of the difference the set made (optional)",
        max_length=STORY_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A moment, a decision or a change you can trace back to the set.",
    )
