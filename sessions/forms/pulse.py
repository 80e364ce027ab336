"""The pulse: seven statements, each answered on the 7-point scale."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from sessions import pulse


class PulseForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in pulse.ITEMS:
            self.fields[item.field] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=pulse.SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose how far you agree with this statement.",
                    "invalid_choice": "Choose one of the seven points on the scale.",
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(InlineRadios(item.field) for item in pulse.ITEMS))

    @property
    def answers(self):
        return {item.field: self.cleaned_data[item.field] for item in pulse.ITEMS}
