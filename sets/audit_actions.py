"""The acts of this app the audit log records, registered in sets/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import PERSON, PROGRAMME, SET, describe


class SetAction(models.TextChoices):
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_RESENT = "invitation.resent", "Invitation resent"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    ACCESS_REQUESTED = "access.requested", "Invited themselves: approval asked"
    ACCESS_APPROVED = "access.approved", "Own invitation approved"
    ACCESS_DECLINED = "access.declined", "Own invitation declined"
    MEMBERS_IMPORTED = "members.imported", "Members imported"
    MEMBERSHIP_ADDED = "membership.added", "Joined a set"
    MEMBERSHIP_ENDED = "membership.ended", "Left a set"
    ROLE_CHANGED = "membership.role_changed", "Role changed"
    PROGRAMME_ADMIN_ADDED = "programme.admin_added", "Programme admin added"
    PROGRAMME_ADMIN_REMOVED = "programme.admin_removed", "Programme admin removed"
    MFA_REQUIRED = "programme.mfa_required", "Two-factor sign-in required"
    MFA_NOT_REQUIRED = "programme.mfa_not_required", "Two-factor sign-in no longer required"
    REPORTING_CHANGED = (
        "programme.reporting_changed",
        "Programme time zone or pulse threshold changed",
    )
    CONTRACT_VERSION = "contract.version", "New contract version"
    CONTRACT_ACCEPTED = "contract.accepted", "Contract accepted"
    CONTRACT_MINOR_VERSION = "contract.minor_version", "Contract reworded (minor)"
    AMENDMENT_PROPOSED = "contract.amendment_proposed", "Contract change proposed"
    AMENDMENT_ADOPTED = "contract.amendment_adopted", "Proposed contract change adopted"
    AMENDMENT_DECLINED = "contract.amendment_declined", "Proposed contract change declined"
    AMENDMENT_WITHDRAWN = "contract.amendment_withdrawn", "Proposed contract change withdrawn"
    SET_CLOSED = "set.closed", "Set closed"
    SET_STATUS_CHANGED = "set.status_changed", "Set status changed"
    CLOSING_REVIEW_OPENED = "set.closing_review_opened", "Closing review opened"
    SIGN_ON_LINKED = "programme.sign_on_linked", "Identity provider linked"
    SIGN_ON_UNLINKED = "programme.sign_on_unlinked", "Identity provider unlinked"
    PROGRAMME_ENTERED = "programme.entered", "Signed up through the identity provider"


# Two read differently when people act on themselves: joining is not being added, and
# leaving is not being removed.
SET_ACTIONS = (
    describe(SetAction.INVITATION_SENT, PERSON, "Invited"),
    describe(SetAction.INVITATION_RESENT, PERSON, "Sent the invitation again to"),
    describe(SetAction.INVITATION_REVOKED, PERSON, "Revoked the invitation of"),
    describe(SetAction.INVITATION_ACCEPTED, PERSON, "Accepted an invitation"),
    describe(SetAction.ACCESS_REQUESTED, "", ""),
    describe(SetAction.ACCESS_APPROVED, "", ""),
    describe(SetAction.ACCESS_DECLINED, "", ""),
    describe(SetAction.MEMBERS_IMPORTED, PROGRAMME, "Imported members into"),
    describe(
        SetAction.MEMBERSHIP_ADDED,
        PERSON,
        "Added to a set",
        own_doing="Joined a set",
        filter_label="Joined or added to a set",
    ),
    describe(
        SetAction.MEMBERSHIP_ENDED,
        PERSON,
        "Removed from a set",
        own_doing="Left a set",
        filter_label="Left or removed from a set",
    ),
    describe(SetAction.ROLE_CHANGED, PERSON, "Changed the role in a set of"),
    describe(
        SetAction.PROGRAMME_ADMIN_ADDED,
        PERSON,
        "Made a programme admin",
        own_doing="Made themselves a programme admin",
    ),
    describe(
        SetAction.PROGRAMME_ADMIN_REMOVED,
        PERSON,
        "Removed as a programme admin",
        own_doing="Stepped down as a programme admin",
    ),
    describe(
        SetAction.MFA_REQUIRED,
        PROGRAMME,
        "Required two-factor sign-in of the facilitators and admins of",
    ),
    describe(SetAction.MFA_NOT_REQUIRED, PROGRAMME, "Stopped requiring two-factor sign-in in"),
    describe(SetAction.CONTRACT_VERSION, SET, "Wrote a new contract for"),
    describe(SetAction.CONTRACT_ACCEPTED, SET, "Accepted the contract of"),
    describe(SetAction.CONTRACT_MINOR_VERSION, SET, "Reworded the contract (a minor change) of"),
    describe(SetAction.AMENDMENT_PROPOSED, SET, "Proposed a change to the contract of"),
    describe(SetAction.AMENDMENT_ADOPTED, SET, "Adopted a proposed change to the contract of"),
    describe(SetAction.AMENDMENT_DECLINED, SET, "Declined a proposed change to the contract of"),
    describe(SetAction.AMENDMENT_WITHDRAWN, SET, "Withdrew a proposed change to the contract of"),
    describe(SetAction.SET_CLOSED, SET, "Closed"),
    describe(SetAction.SET_STATUS_CHANGED, SET, "Changed the status of"),
    describe(SetAction.CLOSING_REVIEW_OPENED, SET, "Opened the closing review of"),
    describe(SetAction.SIGN_ON_LINKED, PROGRAMME, "Linked an identity provider to"),
    describe(SetAction.SIGN_ON_UNLINKED, PROGRAMME, "Unlinked the identity provider of"),
    describe(SetAction.PROGRAMME_ENTERED, PROGRAMME, "Signed up, without a set yet, to"),
    describe(
        SetAction.REPORTING_CHANGED,
        PROGRAMME,
        "Changed the time zone or pulse threshold its reports are counted by, of",
    ),
)
