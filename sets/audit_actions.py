"""The acts of this app the audit log records, registered in sets/apps.py
(alsspace/audit_actions.py)."""

from typing import TYPE_CHECKING, cast

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alsspace.audit_actions import PERSON, PROGRAMME, SET, AuditAction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def describe(
    choice: models.TextChoices,
    subject: str,
    doing: "StrOrPromise",
    own_doing: "StrOrPromise" = "",
    filter_label: "StrOrPromise" = "",
) -> AuditAction:
    """An `AuditAction` whose words stay lazy, so that the log and its filter read in the
    language of whoever reads them, not the one the app started in."""
    return AuditAction(
        str(choice.value),
        choice.label,
        subject,
        cast(str, doing),
        cast(str, own_doing),
        cast(str, filter_label),
    )


class SetAction(models.TextChoices):
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_RESENT = "invitation.resent", _("Invitation resent")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    ACCESS_REQUESTED = "access.requested", _("Invited themselves: approval asked")
    ACCESS_APPROVED = "access.approved", _("Own invitation approved")
    ACCESS_DECLINED = "access.declined", _("Own invitation declined")
    MEMBERS_IMPORTED = "members.imported", _("Members imported")
    MEMBERSHIP_ADDED = "membership.added", _("Joined a set")
    MEMBERSHIP_ENDED = "membership.ended", _("Left a set")
    ROLE_CHANGED = "membership.role_changed", _("Role changed")
    PROGRAMME_ADMIN_ADDED = "programme.admin_added", _("Programme admin added")
    PROGRAMME_ADMIN_REMOVED = "programme.admin_removed", _("Programme admin removed")
    MFA_REQUIRED = "programme.mfa_required", _("Two-factor sign-in required")
    MFA_NOT_REQUIRED = "programme.mfa_not_required", _("Two-factor sign-in no longer required")
    REPORTING_CHANGED = (
        "programme.reporting_changed",
        _("Programme time zone or pulse threshold changed"),
    )
    CONTRACT_VERSION = "contract.version", _("New contract version")
    CONTRACT_ACCEPTED = "contract.accepted", _("Contract accepted")
    CONTRACT_MINOR_VERSION = "contract.minor_version", _("Contract reworded (minor)")
    AMENDMENT_PROPOSED = "contract.amendment_proposed", _("Contract change proposed")
    AMENDMENT_ADOPTED = "contract.amendment_adopted", _("Proposed contract change adopted")
    AMENDMENT_DECLINED = "contract.amendment_declined", _("Proposed contract change declined")
    AMENDMENT_WITHDRAWN = "contract.amendment_withdrawn", _("Proposed contract change withdrawn")
    SET_CLOSED = "set.closed", _("Set closed")
    SET_STATUS_CHANGED = "set.status_changed", _("Set status changed")
    CLOSING_REVIEW_OPENED = "set.closing_review_opened", _("Closing review opened")
    SIGN_ON_LINKED = "programme.sign_on_linked", _("Identity provider linked")
    SIGN_ON_UNLINKED = "programme.sign_on_unlinked", _("Identity provider unlinked")
    PROGRAMME_ENTERED = "programme.entered", _("Signed up through the identity provider")


# Two read differently when people act on themselves: joining is not being added, and
# leaving is not being removed.
SET_ACTIONS = (
    describe(
        SetAction.INVITATION_SENT, PERSON, pgettext_lazy("audit log: what they did", "Invited")
    ),
    describe(SetAction.INVITATION_RESENT, PERSON, _("Sent the invitation again to")),
    describe(SetAction.INVITATION_REVOKED, PERSON, _("Revoked the invitation of")),
    describe(SetAction.INVITATION_ACCEPTED, PERSON, _("Accepted an invitation")),
    describe(SetAction.ACCESS_REQUESTED, "", ""),
    describe(SetAction.ACCESS_APPROVED, "", ""),
    describe(SetAction.ACCESS_DECLINED, "", ""),
    describe(SetAction.MEMBERS_IMPORTED, PROGRAMME, _("Imported members into")),
    describe(
        SetAction.MEMBERSHIP_ADDED,
        PERSON,
        _("Added to a set"),
        own_doing=_("Joined a set"),
        filter_label=_("Joined or added to a set"),
    ),
    describe(
        SetAction.MEMBERSHIP_ENDED,
        PERSON,
        _("Removed from a set"),
        own_doing=_("Left a set"),
        filter_label=_("Left or removed from a set"),
    ),
    describe(SetAction.ROLE_CHANGED, PERSON, _("Changed the role in a set of")),
    describe(
        SetAction.PROGRAMME_ADMIN_ADDED,
        PERSON,
        _("Made a programme admin"),
        own_doing=_("Made themselves a programme admin"),
    ),
    describe(
        SetAction.PROGRAMME_ADMIN_REMOVED,
        PERSON,
        _("Removed as a programme admin"),
        own_doing=_("Stepped down as a programme admin"),
    ),
    describe(
        SetAction.MFA_REQUIRED,
        PROGRAMME,
        _("Required two-factor sign-in of the facilitators and admins of"),
    ),
    describe(SetAction.MFA_NOT_REQUIRED, PROGRAMME, _("Stopped requiring two-factor sign-in in")),
    describe(SetAction.CONTRACT_VERSION, SET, _("Wrote a new contract for")),
    describe(SetAction.CONTRACT_ACCEPTED, SET, _("Accepted the contract of")),
    describe(SetAction.CONTRACT_MINOR_VERSION, SET, _("Reworded the contract (a minor change) of")),
    describe(SetAction.AMENDMENT_PROPOSED, SET, _("Proposed a change to the contract of")),
    describe(SetAction.AMENDMENT_ADOPTED, SET, _("Adopted a proposed change to the contract of")),
    describe(SetAction.AMENDMENT_DECLINED, SET, _("Declined a proposed change to the contract of")),
    describe(
        SetAction.AMENDMENT_WITHDRAWN, SET, _("Withdrew a proposed change to the contract of")
    ),
    describe(SetAction.SET_CLOSED, SET, pgettext_lazy("audit log: what they did", "Closed")),
    describe(SetAction.SET_STATUS_CHANGED, SET, _("Changed the status of")),
    describe(SetAction.CLOSING_REVIEW_OPENED, SET, _("Opened the closing review of")),
    describe(SetAction.SIGN_ON_LINKED, PROGRAMME, _("Linked an identity provider to")),
    describe(SetAction.SIGN_ON_UNLINKED, PROGRAMME, _("Unlinked the identity provider of")),
    describe(SetAction.PROGRAMME_ENTERED, PROGRAMME, _("Signed up, without a set yet, to")),
    describe(
        SetAction.REPORTING_CHANGED,
        PROGRAMME,
        _("Changed the time zone or pulse threshold its reports are counted by, of"),
    ),
)
