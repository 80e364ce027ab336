"""What a facilitator does with an inaction prompt: mark it raised at a meeting, or dismiss
it with a note. Several prompts share the dashboard, so each form takes the prompt's prefix."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NOTE_MAX = 2000


def prefix_for(prompt):
    return f"prompt-{prompt.pk}"


def meeting_label(meeting, zone):
    when = date_format(meeting.starts_at.astimezone(zone), "l j F Y")
    return _("%(when)s (%(status)s)") % {
        "when": when,
        "status": meeting.get_status_display().lower(),
    }


class PromptForm(forms.Form):
    """Both forms of a prompt share its prefix, so field names match whichever is posted;
    each keeps ids of its own, so each label points at its own field."""

    id_format = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.id_format)
        super().__init__(*args, **kwargs)


class RaisePromptForm(PromptForm):
    id_format = "id_raise_%s"
    meeting = forms.TypedChoiceField(
        label=gettext_lazy("Raised at the meeting on"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the meeting where you raised it."),
            "invalid_choice": gettext_lazy("Choose one of this set's meetings."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only the set's facilitators see it."),
    )

    def __init__(self, *args, meetings, zone, **kwargs):
        """`meetings`: the set's meetings that are not cancelled, latest first. The latest
        held one is offered first."""
        super().__init__(*args, **kwargs)
        self.meetings = {meeting.pk: meeting for meeting in meetings}
        self.fields["meeting"].choices = [(m.pk, meeting_label(m, zone)) for m in meetings]
        started = next((m for m in meetings if m.status == "held"), None)
        if started is not None:
            self.fields["meeting"].initial = started.pk

    def clean_meeting(self):
        return self.meetings[self.cleaned_data["meeting"]]


class DismissPromptForm(PromptForm):
    id_format = "id_dismiss_%s"
    note = forms.CharField(
        label=gettext_lazy("Why dismiss it?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only the set's facilitators see this note."),
        error_messages={
            "required": gettext_lazy("Say in a few words why you are dismissing this prompt.")
        },
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Say in a few words why you are dismissing this prompt."))
        return note
