"""Forms of a set's own pages: invitations, removing a member, the contract."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sets.models import Contract, Membership

CONTRACT_MAX_CHARS = 20_000

CONTRACT_STARTER = gettext_lazy("""\
Our ground rules

1. Confidentiality. What is said in the set stays in the set. We may share what we have \
learned, never who said what or whose problem it was.
   Its limits: we would break confidence only if someone is at risk of serious harm or the \
law requires it, and we would tell the person first wherever we can.

2. Attendance and apologies. We come to every meeting. If we cannot, we send apologies to \
the facilitator before the day, and we report back on our actions at the next meeting.

3. Punctuality. We arrive in time to start together and finish when we said we would.

4. Airtime. Each presenter has their agreed time. We ask questions rather than give advice, \
and the presenter decides their own actions.

5. Quorum. The set meets when at least {quorum} members can attend. Below that, the \
facilitator moves the meeting.

6. Reviewing this contract. We look at these rules again whenever someone asks, and at \
least once during the programme.
""")


class InvitationForm(forms.Form):
    """Who to invite and in which role. Only programme admins may invite a facilitator."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=150,
        help_text=gettext_lazy("As the set will see it."),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("The invitation link goes to this address and works once."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        error_messages={"invalid_choice": gettext_lazy("Choose facilitator or member.")},
    )

    def __init__(self, *args, may_invite_facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_invite_facilitators:
            # Facilitators invite members; a programme admin assigns facilitators.
            self.fields["role"].choices = [(Membership.Role.MEMBER, _("Member"))]
            self.fields["role"].error_messages["invalid_choice"] = _(
                "Only a programme admin can invite a facilitator."
            )
            self.fields["role"].help_text = _("Facilitators are assigned by a programme admin.")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class AssignFacilitatorForm(forms.Form):
    """Someone already in the programme, to be the set's facilitator at once."""

    person = PersonChoiceField(
        queryset=None,
        label=gettext_lazy("Who"),
        empty_label=gettext_lazy("Choose someone in the programme"),
        help_text=gettext_lazy(
            "People in the programme's sets now, and its admins. Anyone else: invite them as "
            "facilitator by email."
        ),
        error_messages={
            "required": gettext_lazy("Choose who will facilitate the set."),
            "invalid_choice": gettext_lazy("Choose someone from the list."),
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class RemoveMemberForm(forms.Form):
    """Confirms ending a membership. A facilitator may not leave a set with no facilitator."""

    def __init__(self, *args, membership, remover, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.remover = remover

    @property
    def is_last_facilitator_leaving(self):
        membership = self.membership
        return (
            membership.user_id == self.remover.pk
            and membership.role == Membership.Role.FACILITATOR
            and not Membership.objects.current()
            .filter(learning_set=membership.learning_set_id, role=Membership.Role.FACILITATOR)
            .exclude(pk=membership.pk)
            .exists()
        )

    def clean(self):
        if self.is_last_facilitator_leaving:
            raise ValidationError(
                _(
                    "You are the set's only facilitator, so you cannot leave it. Ask a "
                    "programme admin to invite another facilitator first."
                )
            )
        return super().clean()


REASON_MAX_CHARS = 2_000

CHANGE_CHOICES = [
    (
        Contract.Change.MINOR,
        gettext_lazy(
            "Minor: wording only. Members who accepted the contract need not accept it again."
        ),
    ),
    (
        Contract.Change.MATERIAL,
        gettext_lazy(
            "Material: the rules change. Every member accepts the contract again, and the "
            "set's content stays closed to each of them until they do."
        ),
    ),
]


def change_field():
    return forms.ChoiceField(
        label=gettext_lazy("What kind of change is this?"),
        choices=CHANGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether the change is minor or material."),
            "invalid_choice": gettext_lazy("Choose whether the change is minor or material."),
        },
    )


def note_field(label, help_text, required=False):
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_CHARS,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def contract_text_field(label=None):
    return forms.CharField(
        label=label or gettext_lazy("Ground rules"),
        max_length=CONTRACT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=gettext_lazy("Plain text. Blank lines separate paragraphs."),
        error_messages={"required": gettext_lazy("Write the ground rules the set has agreed.")},
    )


class ContractForm(forms.Form):
    """The first version of a contract, or a new one: marked minor or material, with a note
    for the set on what changed."""

    text = contract_text_field()
    change = change_field()
    note = note_field(
        gettext_lazy("What changed, and why (optional)"),
        gettext_lazy("The set reads this beside the version in the contract's history."),
    )

    def __init__(self, *args, current_contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_contract = current_contract
        if current_contract is None:
            # The first version: everyone accepts it, and there is nothing to say changed.
            del self.fields["change"]
            del self.fields["note"]

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if self.current_contract and text == self.current_contract.text.replace("\r\n", "\n"):
            raise ValidationError(
                _(
                    "This is the same as version %(version)s. Change the text before saving a "
                    "new version."
                )
                % {"version": self.current_contract.version}
            )
        return text


class AcceptContractForm(forms.Form):
    """Accepting names the version that was read, so a newer version is never accepted unseen."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current_contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_contract = current_contract

    def clean_version(self):
        version = self.cleaned_data["version"]
        if self.current_contract is None:
            raise ValidationError(_("This set has no contract to accept yet."))
        if version != self.current_contract.version:
            raise ValidationError(
                _(
                    "The contract has changed since you opened it. Please read version "
                    "%(version)s below before accepting."
                )
                % {"version": self.current_contract.version}
            )
        return version


class AmendmentForm(forms.Form):
    """A member's proposal: the contract as they would have it, and why."""

    text = contract_text_field(gettext_lazy("The contract as you propose it"))
    reason = note_field(
        gettext_lazy("Why do you propose this change?"),
        gettext_lazy("The set and the facilitator read this with your proposal."),
        required=True,
    )

    def __init__(self, *args, current_contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_contract = current_contract
        self.fields["text"].help_text = _(
            "Change the wording here; the set sees exactly what you changed. Blank lines "
            "separate paragraphs."
        )
        self.fields["text"].error_messages["required"] = _("Write the contract as you propose it.")
        self.fields["reason"].error_messages["required"] = _("Say why you propose this change.")

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if self.current_contract and text == self.current_contract.text.replace("\r\n", "\n"):
            raise ValidationError(
                _("This is the same as version %(version)s: change the wording you propose.")
                % {"version": self.current_contract.version}
            )
        return text


class AdoptAmendmentForm(forms.Form):
    """The facilitator adopts a proposal as a new version, as proposed or edited."""

    text = contract_text_field(gettext_lazy("The new version"))
    change = change_field()
    note = note_field(
        gettext_lazy("What changed, and why (optional)"),
        gettext_lazy("The set reads this with the decision and in the contract's history."),
    )
    # The version the facilitator read the proposal against: adopting it over a newer one
    # would undo that version's change unseen.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": gettext_lazy("Reload the page: this form is missing its version.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["rows"] = 12


class DeclineAmendmentForm(forms.Form):
    reason = note_field(
        gettext_lazy("Why is it declined?"),
        gettext_lazy("The set reads this with the proposal."),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Say why the proposal is declined: the set reads it."
        )


class SetStatusForm(forms.Form):
    """Forming or active; a set is closed on its own page."""

    status = forms.ChoiceField(
        choices=[
            ("forming", pgettext_lazy("set status", "Forming")),
            ("active", pgettext_lazy("set status", "Active")),
        ],
        error_messages={"invalid_choice": gettext_lazy("Choose forming or active.")},
    )
