from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.inputs import BoundedDateField
from sessions.forms.reports import STATUSES, AttendanceFilterForm


class TokenForm(forms.Form):
    """A new API token: what it is for, and optionally its last day."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, for example “HR system nightly import”."),
        error_messages={"required": gettext_lazy("Name the token: say which system it is for.")},
    )
    last_day = BoundedDateField(
        required=False,
        label=gettext_lazy("Last day (optional)"),
        help_text=gettext_lazy(
            "The token stops working at the end of this day, in the programme’s time zone. "
            "Leave it empty for a token that works until it is revoked."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_last_day(self):
        day = self.cleaned_data.get("last_day")
        if day is not None and day < timezone.localdate():
            raise ValidationError(_("That day has passed. Choose today or a later day."))
        return day


class RevokeTokenForm(forms.Form):
    revoke = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": gettext_lazy("That token is not one of this programme’s.")
        },
    )

    def __init__(self, *args, tokens, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = tokens


class ApiFilterForm(AttendanceFilterForm):
    """The API's filters, read from the query string: the report's and the export's set and
    days (whole days in the programme's time zone, both ends included) and, for attendance,
    the export's status (docs/api.md#filters)."""

    def __init__(self, data, *, with_status=False, **kwargs):
        super().__init__(data, **kwargs)
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                choices=STATUSES,
                required=False,
                error_messages={
                    "invalid_choice": "“%(value)s” is not an attendance status. Choose present, "
                    "late, left_early, apologies, absent or not_recorded, or leave it out."
                },
            )
