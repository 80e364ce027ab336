"""When each learning-inaction signal prompts a programme's facilitators: the programme
admins' form for the programme's `SignalThresholds` (docs/signals.md#thresholds)."""

from django import forms
from django.utils.translation import gettext as _

from sessions.models import SignalThresholds

THRESHOLD_FIELDS = [
    "carried_action_meetings",
    "silent_member_meetings",
    "airtime_share_percent",
    "airtime_window_meetings",
    "attendance_missed",
    "attendance_window",
    "talk_without_action_slots",
    "pulse_dip",
    "stretch_mark",
    "apologies_pattern_count",
    "apologies_pattern_window",
    "playing_safe_meetings",
    "playing_safe_pulse_high",
    "playing_safe_pulse_spread",
    "recurring_topic_meetings",
    "same_airtime_order_meetings",
    "no_value_notes_meetings",
    "no_value_notes_reports",
]


class SignalThresholdsForm(forms.ModelForm):
    class Meta:
        model = SignalThresholds
        fields = THRESHOLD_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A threshold left empty keeps its current value (at first, the default).
        for name in THRESHOLD_FIELDS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in THRESHOLD_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        missed, window = cleaned.get("attendance_missed"), cleaned.get("attendance_window")
        if missed and window and missed > window:
            self.add_error(
                "attendance_missed",
                _("Meetings missed cannot be more than the meetings looked at."),
            )
        count, of = cleaned.get("apologies_pattern_count"), cleaned.get("apologies_pattern_window")
        if count and of and count > of:
            self.add_error(
                "apologies_pattern_count",
                _("Meetings with apologies cannot be more than the meetings looked at."),
            )
        return cleaned
