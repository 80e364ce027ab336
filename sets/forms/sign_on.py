"""The programme's single sign-on form (docs/sso.md#linking-a-programme)."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The choice that unlinks the programme: sent explicitly, so that a form sent without the
# field is refused rather than taken for turning single sign-on off.
OFF = "off"
# A domain name: labels of letters, digits and hyphens, at least two of them.
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_DOMAINS = 20


class SignOnForm(forms.Form):
    provider_id = forms.ChoiceField(
        label=gettext_lazy("Identity provider"),
        help_text=gettext_lazy(
            "The operator of ALS Space configures the identity providers you can choose."
        ),
    )
    open_domains = forms.CharField(
        label=gettext_lazy("Email domains that may sign up without an invitation"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "acme.example, nhs.example"}),
        help_text=gettext_lazy(
            "Separated by commas. People from these domains who sign in through the identity "
            "provider join the programme with no set until you invite them to one. Leave it "
            "empty to let in only people you invite."
        ),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_id"].choices = [(OFF, _("None: passwords only")), *providers.items()]

    def clean_open_domains(self):
        domains = []
        for part in re.split(r"[,\s]+", self.cleaned_data["open_domains"].lower()):
            domain = part.strip().lstrip("@")
            if not domain:
                continue
            if not DOMAIN.match(domain):
                raise forms.ValidationError(
                    _("“%(part)s” is not an email domain: write it like acme.example.")
                    % {"part": part}
                )
            if domain not in domains:
                domains.append(domain)
        if len(domains) > MAX_DOMAINS:
            raise forms.ValidationError(_("At most %(max)d domains.") % {"max": MAX_DOMAINS})
        return domains

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_domains") and cleaned.get("provider_id") == OFF:
            self.add_error(
                "open_domains", _("Choose an identity provider for these domains to sign up with.")
            )
        return cleaned
