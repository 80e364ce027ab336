"""Forms of a set's own pages: invitations, removing a member, the contract."""

from django import forms
from django.core.exceptions import ValidationError

from sets.models import Membership

CONTRACT_MAX_CHARS = 20_000

CONTRACT_STARTER = """\
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
"""


class InvitationForm(forms.Form):
    """Who to invite and in which role. Only programme admins may invite a facilitator."""

    name = forms.CharField(max_length=150, help_text="As the set will see it.")
    email = forms.EmailField(
        max_length=254, help_text="The invitation link goes to this address and works once."
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        error_messages={"invalid_choice": "Choose facilitator or member."},
    )

    def __init__(self, *args, may_invite_facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_invite_facilitators:
            # Facilitators invite members; a programme admin assigns facilitators.
            self.fields["role"].choices = [(Membership.Role.MEMBER, "Member")]
            self.fields["role"].error_messages["invalid_choice"] = (
                "Only a programme admin can invite a facilitator."
            )
            self.fields["role"].help_text = "Facilitators are assigned by a programme admin."

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class AssignFacilitatorForm(forms.Form):
    """Someone already in the programme, to be the set's facilitator at once."""

    person = PersonChoiceField(
        queryset=None,
        label="Who",
        empty_label="Choose someone in the programme",
        help_text="People in the programme's sets now, and its admins. Anyone else: invite "
        "them as facilitator by email.",
        error_messages={
            "required": "Choose who will facilitate the set.",
            "invalid_choice": "Choose someone from the list.",
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
                "You are the set's only facilitator, so you cannot leave it. Ask a programme "
                "admin to invite another facilitator first."
            )
        return super().clean()


class ContractForm(forms.Form):
    text = forms.CharField(
        label="Ground rules",
        max_length=CONTRACT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text="Plain text. Blank lines separate paragraphs.",
        error_messages={"required": "Write the ground rules the set has agreed."},
    )

    def __init__(self, *args, current_contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_contract = current_contract

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if self.current_contract and text == self.current_contract.text.replace("\r\n", "\n"):
            raise ValidationError(
                f"This is the same as version {self.current_contract.version}. Change the text "
                "before saving a new version."
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
            raise ValidationError("This set has no contract to accept yet.")
        if version != self.current_contract.version:
            raise ValidationError(
                f"The contract has changed since you opened it. Please read version "
                f"{self.current_contract.version} below before accepting."
            )
        return version
