"""Forms of the meeting page, and of a member's own apologies and report-backs.

Every form on the meeting page carries the meeting revision it was rendered at, and offers
only what belongs to this meeting: its set's members, its slots, its actions.
"""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from alsspace.inputs import BoundedDateField
from sessions import queries
from sessions.forms.schedule import DateInput
from sessions.models import Attendance, Phase, ReportBack, Want
from sessions.services.bids import PROBLEM_MAX
from sessions.services.running import MAX_PLANNED_MINUTES

TOPIC_MAX = 300
ACTION_MAX = 1000
NOTE_MAX = 2000
REVIEW_MAX = 4000


class MemberChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid_choice", gettext_lazy("Choose someone who is a member of this set.")
        )
        super().__init__(queryset=None, **kwargs)

    def label_from_instance(self, obj):
        return obj.name or obj.email

    def offer(self, members):
        """Render the choices from `members()`, the members the page loads anyway, rather
        than from a query of their own; the queryset still decides which choice is valid."""

        def choices():
            empty = [] if self.empty_label is None else [("", self.empty_label)]
            return empty + [(member.pk, self.label_from_instance(member)) for member in members()]

        self.choices = choices


class MeetingPageForm(forms.Form):
    revision = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy(
                "This form is missing the meeting's revision. Reload the page and "
                "make your change again."
            ),
            "invalid": gettext_lazy("This form's revision is not a number. Reload the page."),
        },
    )

    # Several forms share the page: each names its fields' ids apart.
    auto_id = "id_%s"

    # `members`, when given, returns the set's members as the page has loaded them.
    def __init__(self, *args, meeting, members=None, **kwargs):
        self.meeting = meeting
        kwargs.setdefault("auto_id", self.auto_id)
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = meeting.revision
        for field in self.fields.values():
            if isinstance(field, MemberChoiceField):
                field.queryset = queries.set_members(meeting.learning_set)
                if members is not None:
                    field.offer(members)


class AttendanceForm(MeetingPageForm):
    member = MemberChoiceField()
    status = forms.ChoiceField(
        choices=Attendance.Status.choices,
        error_messages={
            "required": gettext_lazy("Choose present, late, left early, apologies or absent."),
            "invalid_choice": gettext_lazy(
                "Choose present, late, left early, apologies or absent."
            ),
        },
    )


def minutes_field(**kwargs):
    return forms.IntegerField(
        label=gettext_lazy("Planned minutes"),
        min_value=1,
        max_value=MAX_PLANNED_MINUTES,
        error_messages={
            "min_value": gettext_lazy("Plan at least 1 minute."),
            "max_value": gettext_lazy("Plan at most %(limit_value)s minutes."),
        },
        **kwargs,
    )


def topic_field():
    return forms.CharField(
        label=gettext_lazy("Topic"),
        max_length=TOPIC_MAX,
        required=False,
        help_text=gettext_lazy("A few words the presenter is happy to have on the record."),
    )


class SlotAddForm(MeetingPageForm):
    auto_id = "slot_%s"
    presenter = MemberChoiceField(
        label=gettext_lazy("Presenter"), empty_label=gettext_lazy("Choose a presenter")
    )
    topic = topic_field()
    planned_minutes = minutes_field(initial=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_minutes"].widget.attrs.update(min=1, max=MAX_PLANNED_MINUTES)


class SlotForm(MeetingPageForm):
    """Acts on one slot of this meeting: start or stop its timer, move it, remove it."""

    slot = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": gettext_lazy("That airtime slot is not part of this meeting.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = self.meeting.airtime_slots.all()


class SlotChangeForm(SlotForm):
    topic = topic_field()
    planned_minutes = minutes_field()


def phase_minutes_field(label, required, invalid):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_PLANNED_MINUTES,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_PLANNED_MINUTES}),
        error_messages={
            "required": required,
            "min_value": gettext_lazy("A phase cannot have fewer than 0 minutes."),
            "max_value": gettext_lazy("A phase has at most %(limit_value)s minutes."),
            "invalid": invalid,
        },
    )


class PhasesForm(SlotForm):
    """Plan a slot's phases; 0 leaves a phase out, all 0 runs the slot without phases."""

    presenting = phase_minutes_field(
        gettext_lazy("Presenting"),
        gettext_lazy("Give presenting its minutes, or 0 to leave it out."),
        gettext_lazy("The minutes for presenting are a whole number."),
    )
    questions = phase_minutes_field(
        gettext_lazy("Questions"),
        gettext_lazy("Give questions its minutes, or 0 to leave it out."),
        gettext_lazy("The minutes for questions are a whole number."),
    )
    reflection = phase_minutes_field(
        gettext_lazy("Reflection"),
        gettext_lazy("Give reflection its minutes, or 0 to leave it out."),
        gettext_lazy("The minutes for reflection are a whole number."),
    )
    commitment = phase_minutes_field(
        gettext_lazy("Commitment"),
        gettext_lazy("Give commitment its minutes, or 0 to leave it out."),
        gettext_lazy("The minutes for commitment are a whole number."),
    )

    @property
    def phase_minutes(self):
        return {kind: self.cleaned_data[kind] for kind in Phase.values}


# Bids


WANT_ERRORS = {
    "required": gettext_lazy(
        "Choose what you want from the set: questions, a sounding board or a check on an action."
    ),
    "invalid_choice": gettext_lazy(
        "Choose what you want from the set: questions, a sounding board or a check on an action."
    ),
}


class BidForm(MeetingPageForm):
    """A member brings a bid for airtime. It needs no revision: a member's own write moves
    the meeting on, as their apologies do."""

    auto_id = "bid_%s"
    problem = forms.CharField(
        label=gettext_lazy("The problem, in your own words"),
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A few lines. Only the set sees it: its facilitator and members."),
        error_messages={
            "required": gettext_lazy("Write a few lines on the problem you want to bring.")
        },
    )
    want = forms.ChoiceField(
        label=gettext_lazy("What you want from the set"),
        choices=Want.choices,
        widget=forms.RadioSelect,
        error_messages=WANT_ERRORS,
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes you ask for"),
        min_value=1,
        max_value=MAX_PLANNED_MINUTES,
        initial=20,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_PLANNED_MINUTES}),
        error_messages={
            "required": gettext_lazy("Say how many minutes you ask for."),
            "min_value": gettext_lazy("Ask for at least 1 minute."),
            "max_value": gettext_lazy("Ask for at most %(limit_value)s minutes."),
            "invalid": gettext_lazy("The minutes are a whole number."),
        },
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["revision"]
        self.member = member


class OwnBidMixin:
    def own_bids(self):
        return self.meeting.bids.filter(member=self.member)


class BidChangeForm(OwnBidMixin, BidForm):
    bid = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("That is not a bid of yours here.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = self.own_bids()


class BidWithdrawForm(OwnBidMixin, forms.Form):
    bid = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("That is not a bid of yours here.")},
    )

    def __init__(self, *args, meeting, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.member = member
        self.fields["bid"].queryset = self.own_bids()


class BidOrderForm(MeetingPageForm):
    """The facilitator moves a bid up or down the order, or to a place (by dragging)."""

    bid = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("That bid has been withdrawn.")},
    )
    position = forms.IntegerField(min_value=0, max_value=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = self.meeting.bids.all()


class BidsToAirtimeForm(MeetingPageForm):
    auto_id = "share_%s"
    available_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes for airtime"),
        min_value=1,
        max_value=24 * 60,
        required=False,
        help_text=gettext_lazy(
            "Split evenly among the members present. Leave time for check-in, "
            "report-backs and the review."
        ),
        error_messages={
            "min_value": gettext_lazy("Give at least 1 minute for airtime."),
            "max_value": gettext_lazy("Give at most 1440 minutes for airtime."),
            "invalid": gettext_lazy("The minutes for airtime are a whole number."),
        },
    )


class ActionForm(MeetingPageForm):
    auto_id = "action_%s"
    NEXT_MEETING = "next"
    BY_DATE = "date"

    owner = MemberChoiceField(
        label=gettext_lazy("Owner"),
        empty_label=gettext_lazy("Choose whose action it is"),
        error_messages={
            "invalid_choice": gettext_lazy("An action belongs to a member of this set.")
        },
    )
    text = forms.CharField(
        label=gettext_lazy("Action"),
        max_length=ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write what the action is.")},
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Due"),
        choices=[
            (NEXT_MEETING, gettext_lazy("At the next meeting")),
            (BY_DATE, gettext_lazy("By a date")),
        ],
        initial=NEXT_MEETING,
        widget=forms.RadioSelect,
    )
    due_on = BoundedDateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Only when the action is due by a date."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due") == self.BY_DATE and not cleaned.get("due_on"):
            self.add_error("due_on", gettext("Give the date the action is due by."))
        if cleaned.get("due") == self.NEXT_MEETING:
            cleaned["due_on"] = None
        return cleaned


class ActionRemoveForm(MeetingPageForm):
    action = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": gettext_lazy("That action was not agreed at this meeting.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = self.meeting.actions_committed.all()


OUTCOME_ERRORS = {
    "required": gettext_lazy("Choose done, partly done, not done, carried forward or dropped."),
    "invalid_choice": gettext_lazy(
        "Choose done, partly done, not done, carried forward or dropped."
    ),
}


def note_field():
    return forms.CharField(
        label=gettext_lazy("Learning or value note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Optional: what was learned, or what difference it made."),
    )


class ReportBackForm(MeetingPageForm):
    action = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": gettext_lazy("That action is not one to report on at this meeting.")
        },
    )
    outcome = forms.ChoiceField(choices=ReportBack.Outcome.choices, error_messages=OUTCOME_ERRORS)
    note = note_field()
    # Changing a report-back its owner wrote themselves is confirmed
    # (docs/product.md#actions-and-report-backs).
    confirm_change = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = queries.report_back_actions(self.meeting)


class ReviewForm(MeetingPageForm):
    auto_id = "review_%s"
    process_review = forms.CharField(
        label=gettext_lazy("Review note"),
        max_length=REVIEW_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "How did we work today? A few lines for the facilitators' record only."
        ),
    )


class HeldForm(MeetingPageForm):
    pass


class ApologiesForm(forms.Form):
    SEND = "send"
    WITHDRAW = "withdraw"

    intent = forms.ChoiceField(
        choices=[
            (SEND, gettext_lazy("Send apologies")),
            (WITHDRAW, gettext_lazy("Withdraw apologies")),
        ],
        error_messages={
            "required": gettext_lazy("Choose whether to send or withdraw your apologies."),
            "invalid_choice": gettext_lazy("Choose whether to send or withdraw your apologies."),
        },
    )


class OwnReportBackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("How did it go?"),
        choices=ReportBack.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages=OUTCOME_ERRORS,
    )
    note = note_field()
