"""Forms of the programme admin pages: programmes, their sets, admins and member imports."""

import zoneinfo
from datetime import datetime, time, timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from alsspace import audit_actions
from alsspace.inputs import BoundedDateField
from sets.models import LearningSet, Programme

TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgrammeForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=TIME_ZONE_CHOICES,
        initial=settings.TIME_ZONE,
        help_text=gettext_lazy("Meeting times and reports use this time zone."),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a time zone from the list, such as Europe/London."
            )
        },
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "organisation",
            "starts_on",
            "ends_on",
            "time_zone",
            "pulse_threshold",
            "attendance_threshold",
            "require_mfa",
        ]
        labels = {
            "name": gettext_lazy("Name"),
            "organisation": gettext_lazy("Organisation"),
            "starts_on": gettext_lazy("Starts on"),
            "ends_on": gettext_lazy("Ends on"),
            "pulse_threshold": gettext_lazy("Pulse threshold (responses)"),
            "attendance_threshold": gettext_lazy("Attendance threshold (%)"),
        }
        help_texts = {
            "organisation": gettext_lazy(
                "Who runs it, for example a business school or an NHS trust."
            ),
        }
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        field_classes = {"starts_on": BoundedDateField, "ends_on": BoundedDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The programme must end on or after the day it starts."))
        return cleaned


class LearningSetForm(forms.ModelForm):
    """Create or edit a set. Closing is its own act (it revokes open invitations), so the
    status here is only forming or active."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (LearningSet.Status.FORMING, gettext_lazy("Forming: members are being invited")),
            (LearningSet.Status.ACTIVE, gettext_lazy("Active: the set is meeting")),
        ],
        initial=LearningSet.Status.FORMING,
        help_text=gettext_lazy("To close a set, use “Close set” on the set’s page."),
    )
    default_video_link = forms.URLField(
        label=gettext_lazy("Usual video link"),
        required=False,
        max_length=LearningSet._meta.get_field("default_video_link").max_length,
        assume_scheme="https",
        help_text=gettext_lazy(
            "For sets that meet online, for example https://meet.example.org/set-a."
        ),
    )

    class Meta:
        model = LearningSet
        fields = [
            "name",
            "purpose",
            "status",
            "quorum",
            "airtime_mode",
            "default_place",
            "default_video_link",
            "default_length_minutes",
            "reminder_hours",
            "pulse_window_days",
        ]
        labels = {
            "name": gettext_lazy("Name"),
            "purpose": gettext_lazy("Purpose"),
            "quorum": gettext_lazy("Quorum"),
            "airtime_mode": gettext_lazy("Airtime"),
        }
        help_texts = {
            "purpose": gettext_lazy("One or two sentences members will see on the set’s page."),
            "quorum": gettext_lazy("The fewest members for a meeting to go ahead."),
            "airtime_mode": gettext_lazy(
                "How the facilitator turns members’ bids into airtime at a meeting: the time "
                "split evenly among those present, or the minutes each bid asked for."
            ),
            "default_place": gettext_lazy("Where the set usually meets; each meeting can differ."),
            "pulse_window_days": gettext_lazy(
                "Members present at a meeting can answer its pulse for this many days after it. "
                "A pulse whose results have been shown stays closed."
            ),
        }
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme

    def clean_name(self):
        # Case-insensitive, because imports find sets by name regardless of case.
        name = self.cleaned_data["name"].strip()
        clash = self.programme.sets.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This programme already has a set called “%(name)s”.") % {"name": name}
            )
        return name


class AddAdminForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("They must already have an ALS Space account."),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with that address."))
        if self.programme.admins.filter(pk=user.pk).exists():
            raise forms.ValidationError(
                _("%(person)s is already an admin of this programme.") % {"person": user}
            )
        self.user = user
        return email


class RemoveAdminForm(forms.Form):
    remove = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy("That person is not an admin of this programme.")
        },
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = programme.admins.all()


def _import_help():
    return _("UTF-8 CSV, at most %(size)s.") % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=lazy(_import_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": gettext_lazy("Choose a CSV file to import."),
            "empty": gettext_lazy("The file is empty."),
        },
    )


class ImportConfirmForm(forms.Form):
    """Confirming a preview: it carries the previewed file, signed (sets.imports.sign)."""

    preview = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Upload the file again: there is no preview to confirm.")
        },
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters, read from the query string; each is optional. Days are
    whole days in the reader's time zone, both ends included."""

    action = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        # Read when the form is made: the apps register their acts as they start.
        choices=lambda: [("", _("Anything")), *audit_actions.filter_choices()],
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not something the log records. Choose one from the list, or "
                "anything."
            )
        },
    )
    person = forms.CharField(
        label=gettext_lazy("Person"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("Part of a name or email address: who acted, or whom it was about."),
    )
    start = BoundedDateField(
        label=pgettext_lazy("first day", "From"), required=False, widget=DateInput()
    )
    end = BoundedDateField(
        label=pgettext_lazy("last day", "To"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Last day, included."),
    )

    def __init__(self, data, *, zone):
        super().__init__(data)
        self.zone = zoneinfo.ZoneInfo(zone)
        self.fields["start"].help_text = _("First day, in your time zone (%(zone)s).") % {
            "zone": zone
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day comes before the first. Swap them."))
        return data

    def filters(self):
        """What programme_audit_events is narrowed by."""
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        return {
            "action": data.get("action", ""),
            "person": data.get("person", ""),
            "starts": datetime.combine(start, time(), self.zone) if start else None,
            "ends": datetime.combine(end + timedelta(days=1), time(), self.zone) if end else None,
        }

    @property
    def filtered(self):
        return any(self.data.get(name) for name in self.fields)
