"""The pulse: the statements the meeting is asked (sessions.pulse.asked), each answered on the
7-point scale."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sessions import pulse


class PulseForm(forms.Form):
    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(pulse.ITEMS if items is None else items)
        layout = []
        for index, item in enumerate(self.items, start=1):
            if item.challenge and not any(i.challenge for i in self.items[: index - 1]):
                layout.append(
                    HTML(
                        format_html(
                            '<h2 class="h5 mt-4">{}</h2><p class="text-body-secondary">{}</p>',
                            _("How far did the set stretch you?"),
                            _(
                                "Being stretched can feel uncomfortable; these statements tell "
                                "that apart from feeling unsafe."
                            ),
                        )
                    )
                )
            self.fields[item.field] = forms.TypedChoiceField(
                label=f"{index}. {item.text}",
                choices=pulse.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose how far you agree with this statement."),
                    "invalid_choice": _("Choose one of the seven points on the scale."),
                },
            )
            layout.append(InlineRadios(item.field))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*layout)

    @property
    def answers(self):
        return {item.field: self.cleaned_data[item.field] for item in self.items}
