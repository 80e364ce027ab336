"""Every write to programmes and sets that touches several rows or must be audited.

Each function runs in one transaction and records its audit event in the same one.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from alsspace.audit import record
from alsspace.models import User
from sets import nudges
from sets.audit_actions import SetAction
from sets.models import (
    ClosingReview,
    ClosingReviewEntry,
    Contract,
    ContractAcceptance,
    Invitation,
    LearningSet,
    Membership,
    Nudge,
    Programme,
    ProgrammeEntrant,
    ProgrammeSignOn,
)
from sets.rules import can_approve_invitation, grants_own_access
from sets.tasks import (
    announce_closing_review,
    announce_newcomer,
    send_approval_request,
    send_invitation,
    tell_assigned_facilitator,
)

if TYPE_CHECKING:
    from sets.forms.programmes import ProgrammeForm
    from sets.imports import ImportRow

# Programmes and sets


@transaction.atomic
def create_programme(form: "ProgrammeForm", *, actor: User, ip: str | None = None) -> Programme:
    programme: Programme = form.save()
    programme.admins.add(actor)
    record(
        SetAction.PROGRAMME_ADMIN_ADDED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=actor.email,
    )
    if programme.require_mfa:
        _record_mfa_requirement(programme, actor=actor, ip=ip)
    return programme


@transaction.atomic
def save_programme(form: "ProgrammeForm", *, actor: User, ip: str | None = None) -> Programme:
    """Save a programme's details; turning its two-factor requirement on or off is audited
    (docs/confidentiality.md#signing-in)."""
    adding = form.instance._state.adding
    programme: Programme = form.save()
    if "require_mfa" in form.changed_data:
        _record_mfa_requirement(programme, actor=actor, ip=ip)
    # The months and the pulses the evaluation report counts follow these two settings, so
    # changing either is on record (docs/reports.md#disclosure-control).
    reporting: dict[str, Any] = {
        name: {"from": str(form.initial.get(name, "")), "to": str(form.cleaned_data[name])}
        for name in REPORTING_FIELDS
        if name in form.changed_data and not adding
    }
    if reporting:
        record(
            SetAction.REPORTING_CHANGED,
            actor=actor,
            ip=ip,
            programme=programme,
            subject=programme,
            **reporting,
        )
    return programme


# The settings a programme's reports are counted by.
REPORTING_FIELDS = ("time_zone", "pulse_threshold")


def _record_mfa_requirement(programme: Programme, *, actor: User, ip: str | None) -> None:
    action = SetAction.MFA_REQUIRED if programme.require_mfa else SetAction.MFA_NOT_REQUIRED
    record(action, actor=actor, ip=ip, programme=programme, subject=programme)


@transaction.atomic
def add_programme_admin(
    programme: Programme, user: User, *, actor: User, ip: str | None = None
) -> None:
    # Locking the programme makes the same admin added twice at once one addition.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if programme.admins.filter(pk=user.pk).exists():
        raise ValidationError(
            gettext("%(person)s is already an admin of this programme.") % {"person": user}
        )
    programme.admins.add(user)
    record(
        SetAction.PROGRAMME_ADMIN_ADDED, actor=actor, ip=ip, programme=programme, subject=user.email
    )


@transaction.atomic
def remove_programme_admin(
    programme: Programme, user: User, *, actor: User, ip: str | None = None
) -> None:
    """Remove an admin, never the last one: a programme nobody administers is lost."""
    # Locking the programme stops two admins removing each other at the same moment.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    admins = programme.admins.all()
    if not admins.filter(pk=user.pk).exists():
        raise ValidationError(
            gettext("%(person)s is not an admin of this programme.") % {"person": user}
        )
    if admins.count() == 1:
        raise ValidationError(
            gettext("A programme needs at least one admin. Add another admin first.")
        )
    programme.admins.remove(user)
    record(
        SetAction.PROGRAMME_ADMIN_REMOVED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=user.email,
    )


@transaction.atomic
def close_set(learning_set: LearningSet, *, actor: User, ip: str | None = None) -> None:
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:  # closed a moment ago, by another request
        return
    learning_set.status = LearningSet.Status.CLOSED
    learning_set.closed_at = timezone.now()
    learning_set.save(update_fields=["status", "closed_at"])
    Invitation.objects.open().filter(learning_set=learning_set).update(revoked_at=timezone.now())
    record(
        SetAction.SET_CLOSED,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=learning_set,
    )


# Invitations


def _send(invitation: Invitation) -> None:
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))


def check_can_invite(learning_set: LearningSet, email: str, role: str) -> None:
    """Raise ValidationError when this person cannot be invited to this set in this role."""
    if role not in Membership.Role.values:
        raise ValidationError(
            gettext("“%(role)s” is not a role; use facilitator or member.") % {"role": role}
        )
    if (
        Membership.objects.current()
        .filter(learning_set=learning_set, user__email__iexact=email)
        .exists()
    ):
        raise ValidationError(
            gettext("%(email)s is already in %(set)s.") % {"email": email, "set": learning_set}
        )
    if Invitation.objects.filter(
        learning_set=learning_set,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).exists():
        raise ValidationError(
            gettext("%(email)s already has an open invitation to %(set)s.")
            % {"email": email, "set": learning_set}
        )


@transaction.atomic
def invite(
    learning_set: LearningSet,
    *,
    name: str,
    email: str,
    role: str,
    actor: User,
    ip: str | None = None,
) -> Invitation:
    """Email a link to join. Sent to the inviter's own address, it is held instead, and the
    people who may approve it are asked to (see approve_invitation)."""
    email = email.strip().lower()
    check_can_invite(learning_set, email, role)
    needs_approval = grants_own_access(actor, email)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                learning_set=learning_set,
                name=name.strip(),
                email=email,
                role=role,
                invited_by=actor,
                needs_approval=needs_approval,
            )
    except IntegrityError:
        # The same person was invited to the same set a moment ago, by another request.
        raise ValidationError(
            gettext("%(email)s already has an open invitation to %(set)s.")
            % {"email": email, "set": learning_set}
        ) from None
    if needs_approval:
        transaction.on_commit(lambda: send_approval_request.enqueue(invitation.pk))
    else:
        _send(invitation)
    record(
        SetAction.ACCESS_REQUESTED if needs_approval else SetAction.INVITATION_SENT,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=email,
        set=learning_set.name,
        role=role,
    )
    return invitation


def _decide(invitation: Invitation, user: User) -> Invitation:
    """The invitation locked for `user`'s decision: PermissionDenied if it is not theirs to
    make (their own request, say), ValidationError if it was already made."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("learning_set", "invited_by", "approved_by")
        .get(pk=invitation.pk)
    )
    if not can_approve_invitation(user, invitation):
        raise PermissionDenied
    if not invitation.awaits_approval:
        raise ValidationError(decided(invitation))
    return invitation


def decided(invitation: Invitation) -> str:
    """How a request to approve someone's own invitation was decided, in a sentence."""
    if invitation.approved_at:
        by = invitation.approved_by or pgettext("approved by", "someone no longer here")
        return gettext("This request has already been approved by %(person)s.") % {"person": by}
    if invitation.revoked_at:
        return gettext("This request has already been declined or withdrawn.")
    return gettext("This request has already been left undecided.")


def _record_decision(action: str, invitation: Invitation, actor: User, ip: str | None) -> None:
    record(
        action,
        actor=actor,
        ip=ip,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
        set=invitation.learning_set.name,
        role=invitation.role,
        requested_by=invitation.invited_by.email if invitation.invited_by else None,
    )


@transaction.atomic
def approve_invitation(invitation: Invitation, *, actor: User, ip: str | None = None) -> Invitation:
    """A second person lets the requester in: the invitation is sent, with a fresh expiry."""
    invitation = _decide(invitation, actor)
    invitation.approved_by = actor
    invitation.approved_at = timezone.now()
    invitation.expires_at = Invitation._meta.get_field("expires_at").default()
    invitation.save(update_fields=["approved_by", "approved_at", "expires_at"])
    _send(invitation)
    _record_decision(SetAction.ACCESS_APPROVED, invitation, actor, ip)
    return invitation


@transaction.atomic
def decline_invitation(invitation: Invitation, *, actor: User, ip: str | None = None) -> Invitation:
    invitation = _decide(invitation, actor)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record_decision(SetAction.ACCESS_DECLINED, invitation, actor, ip)
    return invitation


@transaction.atomic
def import_members(
    programme: Programme, rows: Sequence["ImportRow"], *, actor: User, ip: str | None = None
) -> list[Invitation]:
    """Invite every row of a checked import (see sets.imports); all or nothing."""
    invitations = [
        invite(row.learning_set, name=row.name, email=row.email, role=row.role, actor=actor, ip=ip)
        for row in rows
    ]
    record(
        SetAction.MEMBERS_IMPORTED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=programme,
        count=len(rows),
    )
    return invitations


@transaction.atomic
def resend_invitation(invitation: Invitation, *, actor: User, ip: str | None = None) -> None:
    """Send the link again with a fresh expiry; an expired invitation comes back to life.
    One awaiting approval is not sent until it is approved."""
    if invitation.awaits_approval:
        raise ValidationError(
            gettext("This invitation is waiting for approval; it is sent once approved.")
        )
    invitation.expires_at = Invitation._meta.get_field("expires_at").default()
    invitation.save(update_fields=["expires_at"])
    _send(invitation)
    record(
        SetAction.INVITATION_RESENT,
        actor=actor,
        ip=ip,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
    )


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User, ip: str | None = None) -> None:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.revoked_at is not None:  # revoked a moment ago, by another request
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        SetAction.INVITATION_REVOKED,
        actor=actor,
        ip=ip,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, *, actor: User, ip: str | None = None) -> Membership:
    """Join the set in the invited role. The invitation is used up."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(
            gettext("This invitation has already been used, revoked or has expired.")
        )
    if invitation.email.lower() != actor.email.lower():
        raise ValidationError(
            gettext("This invitation was sent to %(email)s.") % {"email": invitation.email}
        )
    if invitation.invited_by_id == actor.pk and invitation.approved_by_id is None:
        # Sent to another address that has since become the sender's own: still their own.
        raise ValidationError(
            gettext(
                "You sent this invitation yourself, so it cannot let you in: ask another admin "
                "of the programme or the set's facilitator to invite you."
            )
        )
    learning_set = invitation.learning_set
    membership = Membership.objects.current().filter(learning_set=learning_set, user=actor).first()
    if membership is None:
        granted_by = invitation.approved_by if invitation.needs_approval else invitation.invited_by
        membership = Membership.objects.create(
            learning_set=learning_set, user=actor, role=invitation.role, granted_by=granted_by
        )
        record(
            SetAction.MEMBERSHIP_ADDED,
            actor=actor,
            ip=ip,
            programme=learning_set.programme_id,
            subject=actor.email,
            set=learning_set.name,
            role=invitation.role,
            invited_by=invitation.invited_by.email if invitation.invited_by else None,
            approved_by=invitation.approved_by.email if invitation.approved_by else None,
        )
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        SetAction.INVITATION_ACCEPTED,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=actor.email,
        set=learning_set.name,
    )
    return membership


# Memberships


@transaction.atomic
def end_membership(membership: Membership, *, actor: User, ip: str | None = None) -> None:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.left_at is not None:  # ended a moment ago, by another request
        return
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    record(
        SetAction.MEMBERSHIP_ENDED,
        actor=actor,
        ip=ip,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        role=membership.role,
    )


@transaction.atomic
def change_role(membership: Membership, role: str, *, actor: User, ip: str | None = None) -> None:
    """Making someone facilitator lets them into the set's content at once: never on their
    own say-so, and announced to the set."""
    old = membership.role
    promoted = role == Membership.Role.FACILITATOR and old != role
    if promoted and membership.user_id == actor.pk:
        raise ValidationError(
            gettext("You cannot make yourself the set's facilitator: another programme admin must.")
        )
    membership.role = role
    fields = ["role"]
    if promoted:
        membership.granted_by = actor
        fields.append("granted_by")
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    membership.save(update_fields=fields)
    record(
        SetAction.ROLE_CHANGED,
        actor=actor,
        ip=ip,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        old=old,
        new=role,
    )


@transaction.atomic
def operator_saved_membership(
    membership: Membership,
    *,
    before: Membership | None,
    actor: User,
    ip: str | None = None,
) -> None:
    """A membership an operator added or changed in the Django admin; `before` is its row as
    it was, None if it is new. Whoever it lets into the set's content (a new person, the same
    row moved to another person or set, a former member taken back, or a member made
    facilitator) is announced to the set and audited with the operator as the one who let
    them in, as any other grant is."""
    joined = (
        before is None
        or before.user_id != membership.user_id
        or before.learning_set_id != membership.learning_set_id
        or (before.left_at is not None and membership.left_at is None)
    )
    promoted = (
        not joined
        and before is not None
        and before.role != membership.role
        and membership.role == Membership.Role.FACILITATOR
    )
    if not (joined or promoted):
        return
    Membership.objects.filter(pk=membership.pk).update(granted_by=actor)
    change: dict[str, Any] = (
        {"role": membership.role}
        if joined or before is None
        else {"old": before.role, "new": membership.role}
    )
    record(
        SetAction.MEMBERSHIP_ADDED if joined else SetAction.ROLE_CHANGED,
        actor=actor,
        ip=ip,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        **change,
        by="operator",
    )
    if membership.is_current:
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))


@transaction.atomic
def assign_facilitator(
    learning_set: LearningSet, person: User, *, actor: User, ip: str | None = None
) -> Membership:
    """Make someone who already has an account in the programme the set's facilitator, with
    no invitation to wait for: a member of the set becomes its facilitator, anyone else joins
    it as one. Like any new access it is never on one's own say-so, it is audited, and they
    and everyone in the set are told, with who let them in."""
    if person.pk == actor.pk:
        raise ValidationError(
            gettext("You cannot make yourself the set's facilitator: another programme admin must.")
        )
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()
    if learning_set.is_closed:
        raise ValidationError(gettext("%(set)s is closed.") % {"set": learning_set})
    membership = Membership.objects.current().filter(learning_set=learning_set, user=person).first()
    if membership is None:
        membership = Membership.objects.create(
            learning_set=learning_set,
            user=person,
            role=Membership.Role.FACILITATOR,
            granted_by=actor,
        )
        record(
            SetAction.MEMBERSHIP_ADDED,
            actor=actor,
            ip=ip,
            programme=learning_set.programme_id,
            subject=person.email,
            role=Membership.Role.FACILITATOR,
            set=learning_set.name,
            assigned=True,
        )
    elif membership.role == Membership.Role.FACILITATOR:
        raise ValidationError(
            gettext("%(person)s is already a facilitator of %(set)s.")
            % {"person": person, "set": learning_set}
        )
    else:
        membership.role = Membership.Role.FACILITATOR
        membership.granted_by = actor
        membership.save(update_fields=["role", "granted_by"])
        record(
            SetAction.ROLE_CHANGED,
            actor=actor,
            ip=ip,
            programme=learning_set.programme_id,
            subject=person.email,
            old=Membership.Role.MEMBER,
            new=Membership.Role.FACILITATOR,
            set=learning_set.name,
            assigned=True,
        )
    transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    transaction.on_commit(lambda: tell_assigned_facilitator.enqueue(membership.pk))
    return membership


# Contracts


def current_contract(learning_set: LearningSet) -> Contract | None:
    return learning_set.contracts.order_by("-version").first()


@transaction.atomic
def new_contract_version(
    learning_set: LearningSet,
    text: str,
    *,
    change: str = Contract.Change.MATERIAL,
    note: str = "",
    actor: User,
    ip: str | None = None,
) -> Contract:
    """Publish a new version (docs/product.md#contracts). A material one closes the set's
    content to every member until they accept it; a minor one (wording) carries over the
    acceptances of the version it rewords. The first version is always accepted afresh."""
    if change not in Contract.Change.values:
        raise ValidationError(gettext("Choose whether the change is minor or material."))
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()
    previous = learning_set.contracts.order_by("-version").first()
    if previous is None:
        change = Contract.Change.MATERIAL
    elif text.replace("\r\n", "\n") == previous.text.replace("\r\n", "\n"):
        raise ValidationError(
            gettext(
                "This is the same as version %(version)s. Change the text before saving a "
                "new version."
            )
            % {"version": previous.version}
        )
    contract = Contract.objects.create(
        learning_set=learning_set,
        version=(previous.version if previous else 0) + 1,
        text=text,
        change=change,
        note=note.strip(),
        created_by=actor,
    )
    if previous is not None and contract.is_minor:
        # One by one, so that sets/receivers.py hears of each acceptance.
        for accepted in previous.acceptances.all():
            ContractAcceptance.objects.create(
                contract=contract,
                user_id=accepted.user_id,
                accepted_at=accepted.accepted_at,
                carried_over=True,
            )
    record(
        SetAction.CONTRACT_MINOR_VERSION if contract.is_minor else SetAction.CONTRACT_VERSION,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=learning_set,
        version=contract.version,
        change=contract.change,
    )
    return contract


@transaction.atomic
def accept_contract(contract: Contract, *, actor: User, ip: str | None = None) -> None:
    """Accept a version. Locking the set orders this with a new version being published: a
    minor version made since the member read this one carries their acceptance too."""
    learning_set = contract.learning_set
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()
    _, created = ContractAcceptance.objects.get_or_create(contract=contract, user=actor)
    accepted = [contract]
    if created:
        record(
            SetAction.CONTRACT_ACCEPTED,
            actor=actor,
            ip=ip,
            programme=learning_set.programme_id,
            subject=learning_set,
            version=contract.version,
        )
        newer = list(learning_set.contracts.filter(version__gt=contract.version))
        if newer and all(later.is_minor for later in newer):
            for later in newer:
                ContractAcceptance.objects.get_or_create(
                    contract=later, user=actor, defaults={"carried_over": True}
                )
            accepted += newer
    # The reminder to accept is settled for this version and any rewording it carries to.
    for version in accepted:
        nudges.settle([Nudge.Kind.CONTRACT_WAITING], version.pk, actor)


# The set's lifecycle: forming, active, its closing review, closed


@transaction.atomic
def set_status(
    learning_set: LearningSet, status: str, *, actor: User, ip: str | None = None
) -> None:
    """The facilitator says whether the set is still forming or active. Closing is
    `close_set`, and a closed set stays closed."""
    if status not in (LearningSet.Status.FORMING, LearningSet.Status.ACTIVE):
        raise ValidationError(gettext("Choose forming or active."))
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:
        raise ValidationError(
            gettext("%(set)s is closed, so its status stays closed.") % {"set": learning_set}
        )
    if locked.status == status:
        return
    old = locked.status
    LearningSet.objects.filter(pk=learning_set.pk).update(status=status)
    learning_set.status = status
    record(
        SetAction.SET_STATUS_CHANGED,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=learning_set,
        was=old,
        status=status,
    )


def activate_at_first_meeting(learning_set: LearningSet) -> bool:
    """A set still forming becomes active when a meeting of it is held. Whether it did."""
    changed = LearningSet.objects.filter(
        pk=learning_set.pk, status=LearningSet.Status.FORMING
    ).update(status=LearningSet.Status.ACTIVE)
    if changed:
        learning_set.status = LearningSet.Status.ACTIVE
    return bool(changed)


def closing_review(learning_set: LearningSet) -> ClosingReview | None:
    return ClosingReview.objects.filter(learning_set=learning_set).first()


@transaction.atomic
def open_closing_review(
    learning_set: LearningSet, *, actor: User, ip: str | None = None
) -> ClosingReview:
    """Ask the set for its closing review. Everyone in it is emailed once; opening it again
    changes nothing."""
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:
        raise ValidationError(gettext("%(set)s is closed.") % {"set": learning_set})
    review, created = ClosingReview.objects.get_or_create(
        learning_set=learning_set, defaults={"opened_by": actor}
    )
    if created:
        record(
            SetAction.CLOSING_REVIEW_OPENED,
            actor=actor,
            ip=ip,
            programme=learning_set.programme_id,
            subject=learning_set,
        )
        transaction.on_commit(lambda: announce_closing_review.enqueue(review.pk))
    return review


@transaction.atomic
def write_closing_review_entry(
    learning_set: LearningSet, *, actor: User, learned: str, keep_doing: str, story: str
) -> ClosingReviewEntry:
    """The actor's own words in the set's closing review, written or rewritten while the set
    is open."""
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:
        raise ValidationError(
            gettext("%(set)s is closed, so its closing review is read-only.")
            % {"set": learning_set}
        )
    review = closing_review(learning_set)
    if review is None:
        raise ValidationError(gettext("The facilitator has not opened the closing review yet."))
    learned, keep_doing, story = learned.strip(), keep_doing.strip(), story.strip()
    if not (learned and keep_doing):
        raise ValidationError(gettext("Write what you learned and what you will keep doing."))
    entry, _ = ClosingReviewEntry.objects.update_or_create(
        review=review,
        author=actor,
        defaults={"learned": learned, "keep_doing": keep_doing, "story": story},
    )
    return entry


# Single sign-on (docs/sso.md)


@transaction.atomic
def link_sign_on(
    programme: Programme,
    provider_id: str | None,
    open_domains: Sequence[str],
    *,
    actor: User,
    ip: str | None = None,
) -> ProgrammeSignOn | None:
    """Link the programme to an identity provider with the domains it admits, or, with no
    provider, unlink it. Saving what is already there records nothing."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    current = ProgrammeSignOn.objects.filter(programme=programme).first()
    if provider_id is None:
        if current is not None:
            current.delete()
            record(
                SetAction.SIGN_ON_UNLINKED,
                actor=actor,
                ip=ip,
                programme=programme,
                subject=programme.name,
                provider=current.provider_id,
            )
        return None
    domains = sorted({domain.lower() for domain in open_domains})
    if current is not None and (current.provider_id, current.open_domains) == (
        provider_id,
        domains,
    ):
        return current
    sign_on, _ = ProgrammeSignOn.objects.update_or_create(
        programme=programme,
        defaults={
            "provider_id": provider_id,
            "open_domains": domains,
            "linked_by": actor,
            "linked_at": timezone.now(),
        },
    )
    record(
        SetAction.SIGN_ON_LINKED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=programme.name,
        provider=provider_id,
        open_domains=domains,
    )
    return sign_on


def admitting_programmes(provider_id: str, email: str) -> list[Programme]:
    """The programmes linked to this provider that admit the email's domain without an
    invitation (docs/sso.md#signing-up-without-an-invitation)."""
    sign_ons = ProgrammeSignOn.objects.filter(provider_id=provider_id).select_related("programme")
    return [sign_on.programme for sign_on in sign_ons if sign_on.admits(email)]


@transaction.atomic
def enter_programmes(
    programmes: Sequence[Programme], provider_id: str, *, actor: User, ip: str | None = None
) -> None:
    """A person who signed up through a programme's identity provider is in it with no set
    until someone invites them to one."""
    for programme in programmes:
        _, created = ProgrammeEntrant.objects.get_or_create(
            programme=programme, user=actor, defaults={"provider_id": provider_id}
        )
        if created:
            record(
                SetAction.PROGRAMME_ENTERED,
                actor=actor,
                ip=ip,
                programme=programme,
                subject=actor.email,
                provider=provider_id,
            )
