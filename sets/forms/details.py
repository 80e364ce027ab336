"""A person's own details: the name others see, their time zone and their language."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from alsspace.models import User
from sets.forms.programmes import TIME_ZONE_CHOICES


def language_choices() -> list[tuple[str, str | StrPromise]]:
    """Each language named in itself (settings.LANGUAGES), so that someone who cannot read
    the page still finds theirs."""
    return [("", _("The language my browser asks for")), *settings.LANGUAGES]


class DetailsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=TIME_ZONE_CHOICES,
        help_text=_("Meeting times on your pages, in emails and in calendar files use it."),
        error_messages={
            "invalid_choice": _("Choose a time zone from the list, such as Europe/London.")
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        help_text=_("Your pages and the emails we send you are in it."),
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )

    class Meta:
        model = User
        fields = ["name", "time_zone", "language"]
        labels = {"name": _("Your name")}
        help_texts = {"name": _("Your set and your programme see it.")}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the name your set knows you by."))
        return name
