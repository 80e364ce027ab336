"""A programme's pulse statements: the admins' form (docs/product.md#pulse). Each statement
the programme asks now has a row; emptying its words takes it away. Empty rows below add
new ones."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sessions import pulse
from sessions.models import PulseItem
from sessions.services.pulse_items import Wanted

NEW_ROWS = 3


class PulseItemsForm(forms.Form):
    challenge = forms.BooleanField(
        label=gettext_lazy(
            "Also ask how far the set stretched its members (the challenge statements)"
        ),
        required=False,
        help_text=gettext_lazy(
            "A dip in safety with high challenge then reads as stretch, not danger. "
            "Switching it off stops asking the challenge statements."
        ),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["challenge"].initial = pulse.asks_challenge(self.items)
        self.rows = []
        for item in self.items:
            self.rows.append(self._row(f"item_{item.number}", item))
        for index in range(1, NEW_ROWS + 1):
            self.rows.append(self._row(f"new_{index}", None))

    def _row(self, prefix, item):
        names = (f"{prefix}-text", f"{prefix}-reverse", f"{prefix}-dimension")
        self.fields[names[0]] = forms.CharField(
            label=_("Statement") if item else _("New statement"),
            max_length=300,
            required=False,
            initial=item.text if item else "",
        )
        self.fields[names[1]] = forms.BooleanField(
            label=_("Reverse-scored (disagreeing scores high)"),
            required=False,
            initial=item.reverse if item else False,
        )
        self.fields[names[2]] = forms.ChoiceField(
            label=_("Dimension"),
            choices=PulseItem.Dimension.choices,
            initial=item.dimension if item else pulse.SAFETY,
            required=False,  # a row sent without one is a safety statement
        )
        return (item, names)

    def bound_rows(self):
        """For the template: each row's statement (None for a new one) and its three fields."""
        return [(item, [self[name] for name in names]) for item, names in self.rows]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        wanted = []
        for item, (text, reverse, dimension) in self.rows:
            words = " ".join(cleaned[text].split())
            if not words:
                continue
            number = item.number if item else None
            kind = cleaned[dimension] or pulse.SAFETY
            wanted.append(Wanted(number, words, cleaned[reverse], kind))
        cleaned["wanted"] = wanted
        return cleaned
