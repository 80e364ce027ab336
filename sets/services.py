"""Every write to programmes and sets that touches several rows or must be audited.

Each function runs in one transaction and records its audit event in the same one.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from alsspace.audit import Action, record
from alsspace.http import SignedInRequest
from alsspace.models import User
from sets import nudges
from sets.models import (
    Contract,
    ContractAcceptance,
    Invitation,
    LearningSet,
    Membership,
    Nudge,
    Programme,
)
from sets.rules import can_approve_invitation, forget_standing, grants_own_access
from sets.tasks import (
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
def create_programme(form: "ProgrammeForm", *, request: SignedInRequest) -> Programme:
    programme: Programme = form.save()
    programme.admins.add(request.user)
    record(
        Action.PROGRAMME_ADMIN_ADDED,
        request=request,
        programme=programme,
        subject=request.user.email,
    )
    forget_standing(request.user)
    return programme


@transaction.atomic
def add_programme_admin(programme: Programme, user: User, *, request: SignedInRequest) -> None:
    # Locking the programme makes the same admin added twice at once one addition.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if programme.admins.filter(pk=user.pk).exists():
        raise ValidationError(f"{user} is already an admin of this programme.")
    programme.admins.add(user)
    record(Action.PROGRAMME_ADMIN_ADDED, request=request, programme=programme, subject=user.email)


@transaction.atomic
def remove_programme_admin(programme: Programme, user: User, *, request: SignedInRequest) -> None:
    """Remove an admin, never the last one: a programme nobody administers is lost."""
    # Locking the programme stops two admins removing each other at the same moment.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    admins = programme.admins.all()
    if not admins.filter(pk=user.pk).exists():
        raise ValidationError(f"{user} is not an admin of this programme.")
    if admins.count() == 1:
        raise ValidationError("A programme needs at least one admin. Add another admin first.")
    programme.admins.remove(user)
    record(Action.PROGRAMME_ADMIN_REMOVED, request=request, programme=programme, subject=user.email)
    if user.pk == request.user.pk:
        forget_standing(request.user)


@transaction.atomic
def close_set(learning_set: LearningSet, *, request: SignedInRequest) -> None:
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:  # closed a moment ago, by another request
        return
    learning_set.status = LearningSet.Status.CLOSED
    learning_set.closed_at = timezone.now()
    learning_set.save(update_fields=["status", "closed_at"])
    Invitation.objects.open().filter(learning_set=learning_set).update(revoked_at=timezone.now())
    record(
        Action.SET_CLOSED,
        request=request,
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
        raise ValidationError(f"“{role}” is not a role; use facilitator or member.")
    if (
        Membership.objects.current()
        .filter(learning_set=learning_set, user__email__iexact=email)
        .exists()
    ):
        raise ValidationError(f"{email} is already in {learning_set}.")
    if Invitation.objects.filter(
        learning_set=learning_set,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).exists():
        raise ValidationError(f"{email} already has an open invitation to {learning_set}.")


@transaction.atomic
def invite(
    learning_set: LearningSet, *, name: str, email: str, role: str, request: SignedInRequest
) -> Invitation:
    """Email a link to join. Sent to the inviter's own address, it is held instead, and the
    people who may approve it are asked to (see approve_invitation)."""
    email = email.strip().lower()
    check_can_invite(learning_set, email, role)
    needs_approval = grants_own_access(request.user, email)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                learning_set=learning_set,
                name=name.strip(),
                email=email,
                role=role,
                invited_by=request.user,
                needs_approval=needs_approval,
            )
    except IntegrityError:
        # The same person was invited to the same set a moment ago, by another request.
        raise ValidationError(
            f"{email} already has an open invitation to {learning_set}."
        ) from None
    if needs_approval:
        transaction.on_commit(lambda: send_approval_request.enqueue(invitation.pk))
    else:
        _send(invitation)
    record(
        Action.ACCESS_REQUESTED if needs_approval else Action.INVITATION_SENT,
        request=request,
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
        raise ValidationError(f"This request has already been {decision(invitation)}.")
    return invitation


def decision(invitation: Invitation) -> str:
    """How a request to approve someone's own invitation was decided, in words."""
    if invitation.approved_at:
        by = invitation.approved_by or "someone no longer here"
        return f"approved by {by}"
    if invitation.revoked_at:
        return "declined or withdrawn"
    return "left undecided"


def _record_decision(action: str, invitation: Invitation, request: SignedInRequest) -> None:
    record(
        action,
        request=request,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
        set=invitation.learning_set.name,
        role=invitation.role,
        requested_by=invitation.invited_by.email if invitation.invited_by else None,
    )


@transaction.atomic
def approve_invitation(invitation: Invitation, *, request: SignedInRequest) -> Invitation:
    """A second person lets the requester in: the invitation is sent, with a fresh expiry."""
    invitation = _decide(invitation, request.user)
    invitation.approved_by = request.user
    invitation.approved_at = timezone.now()
    invitation.expires_at = Invitation._meta.get_field("expires_at").default()
    invitation.save(update_fields=["approved_by", "approved_at", "expires_at"])
    _send(invitation)
    _record_decision(Action.ACCESS_APPROVED, invitation, request)
    return invitation


@transaction.atomic
def decline_invitation(invitation: Invitation, *, request: SignedInRequest) -> Invitation:
    invitation = _decide(invitation, request.user)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record_decision(Action.ACCESS_DECLINED, invitation, request)
    return invitation


@transaction.atomic
def import_members(
    programme: Programme, rows: Sequence["ImportRow"], *, request: SignedInRequest
) -> list[Invitation]:
    """Invite every row of a checked import (see sets.imports); all or nothing."""
    invitations = [
        invite(row.learning_set, name=row.name, email=row.email, role=row.role, request=request)
        for row in rows
    ]
    record(
        Action.MEMBERS_IMPORTED,
        request=request,
        programme=programme,
        subject=programme,
        count=len(rows),
    )
    return invitations


@transaction.atomic
def resend_invitation(invitation: Invitation, *, request: SignedInRequest) -> None:
    """Send the link again with a fresh expiry; an expired invitation comes back to life.
    One awaiting approval is not sent until it is approved."""
    if invitation.awaits_approval:
        raise ValidationError("This invitation is waiting for approval; it is sent once approved.")
    invitation.expires_at = Invitation._meta.get_field("expires_at").default()
    invitation.save(update_fields=["expires_at"])
    _send(invitation)
    record(
        Action.INVITATION_RESENT,
        request=request,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
    )


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, request: SignedInRequest) -> None:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.revoked_at is not None:  # revoked a moment ago, by another request
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        Action.INVITATION_REVOKED,
        request=request,
        programme=invitation.learning_set.programme_id,
        subject=invitation.email,
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User, *, request: HttpRequest) -> Membership:
    """Join the set in the invited role. The invitation is used up."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("This invitation has already been used, revoked or has expired.")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(f"This invitation was sent to {invitation.email}.")
    if invitation.invited_by_id == user.pk and invitation.approved_by_id is None:
        # Sent to another address that has since become the sender's own: still their own.
        raise ValidationError(
            "You sent this invitation yourself, so it cannot let you in: ask another admin of "
            "the programme or the set's facilitator to invite you."
        )
    learning_set = invitation.learning_set
    membership = Membership.objects.current().filter(learning_set=learning_set, user=user).first()
    if membership is None:
        granted_by = invitation.approved_by if invitation.needs_approval else invitation.invited_by
        membership = Membership.objects.create(
            learning_set=learning_set, user=user, role=invitation.role, granted_by=granted_by
        )
        record(
            Action.MEMBERSHIP_ADDED,
            request=request,
            actor=user,
            programme=learning_set.programme_id,
            subject=user.email,
            set=learning_set.name,
            role=invitation.role,
            invited_by=invitation.invited_by.email if invitation.invited_by else None,
            approved_by=invitation.approved_by.email if invitation.approved_by else None,
        )
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        Action.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        programme=learning_set.programme_id,
        subject=user.email,
        set=learning_set.name,
    )
    forget_standing(user)
    return membership


# Memberships


@transaction.atomic
def end_membership(membership: Membership, *, request: SignedInRequest) -> None:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.left_at is not None:  # ended a moment ago, by another request
        return
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    record(
        Action.MEMBERSHIP_ENDED,
        request=request,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        role=membership.role,
    )


@transaction.atomic
def change_role(membership: Membership, role: str, *, request: SignedInRequest) -> None:
    """Making someone facilitator lets them into the set's content at once: never on their
    own say-so, and announced to the set."""
    old = membership.role
    promoted = role == Membership.Role.FACILITATOR and old != role
    if promoted and membership.user_id == request.user.pk:
        raise ValidationError(
            "You cannot make yourself the set's facilitator: another programme admin must."
        )
    membership.role = role
    fields = ["role"]
    if promoted:
        membership.granted_by = request.user
        fields.append("granted_by")
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    membership.save(update_fields=fields)
    record(
        Action.ROLE_CHANGED,
        request=request,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        old=old,
        new=role,
    )


@transaction.atomic
def operator_saved_membership(
    membership: Membership, *, before: Membership | None, request: SignedInRequest
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
    Membership.objects.filter(pk=membership.pk).update(granted_by=request.user)
    change: dict[str, Any] = (
        {"role": membership.role}
        if joined or before is None
        else {"old": before.role, "new": membership.role}
    )
    record(
        Action.MEMBERSHIP_ADDED if joined else Action.ROLE_CHANGED,
        request=request,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        **change,
        by="operator",
    )
    if membership.is_current:
        transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))


@transaction.atomic
def assign_facilitator(learning_set: LearningSet, person: User, *, actor: User) -> Membership:
    """Make someone who already has an account in the programme the set's facilitator, with
    no invitation to wait for: a member of the set becomes its facilitator, anyone else joins
    it as one. Like any new access it is never on one's own say-so, it is audited, and they
    and everyone in the set are told, with who let them in."""
    if person.pk == actor.pk:
        raise ValidationError(
            "You cannot make yourself the set's facilitator: another programme admin must."
        )
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()
    if learning_set.is_closed:
        raise ValidationError(f"{learning_set} is closed.")
    membership = Membership.objects.current().filter(learning_set=learning_set, user=person).first()
    if membership is None:
        membership = Membership.objects.create(
            learning_set=learning_set,
            user=person,
            role=Membership.Role.FACILITATOR,
            granted_by=actor,
        )
        record(
            Action.MEMBERSHIP_ADDED,
            actor=actor,
            programme=learning_set.programme_id,
            subject=person.email,
            role=Membership.Role.FACILITATOR,
            set=learning_set.name,
            assigned=True,
        )
    elif membership.role == Membership.Role.FACILITATOR:
        raise ValidationError(f"{person} is already a facilitator of {learning_set}.")
    else:
        membership.role = Membership.Role.FACILITATOR
        membership.granted_by = actor
        membership.save(update_fields=["role", "granted_by"])
        record(
            Action.ROLE_CHANGED,
            actor=actor,
            programme=learning_set.programme_id,
            subject=person.email,
            old=Membership.Role.MEMBER,
            new=Membership.Role.FACILITATOR,
            set=learning_set.name,
            assigned=True,
        )
    forget_standing(person)
    transaction.on_commit(lambda: announce_newcomer.enqueue(membership.pk))
    transaction.on_commit(lambda: tell_assigned_facilitator.enqueue(membership.pk))
    return membership


# Contracts


def current_contract(learning_set: LearningSet) -> Contract | None:
    return learning_set.contracts.order_by("-version").first()


@transaction.atomic
def new_contract_version(
    learning_set: LearningSet, text: str, *, request: SignedInRequest
) -> Contract:
    """Publish a new version. Every member must accept it before seeing set content again."""
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()
    latest = learning_set.contracts.aggregate(v=Max("version"))["v"] or 0
    contract = Contract.objects.create(
        learning_set=learning_set, version=latest + 1, text=text, created_by=request.user
    )
    record(
        Action.CONTRACT_VERSION,
        request=request,
        programme=learning_set.programme_id,
        subject=learning_set,
        version=contract.version,
    )
    forget_standing(request.user)
    return contract


@transaction.atomic
def accept_contract(contract: Contract, *, request: SignedInRequest) -> None:
    _, created = ContractAcceptance.objects.get_or_create(contract=contract, user=request.user)
    if created:
        record(
            Action.CONTRACT_ACCEPTED,
            request=request,
            programme=contract.learning_set.programme_id,
            subject=contract.learning_set,
            version=contract.version,
        )
    nudges.settle([Nudge.Kind.CONTRACT_WAITING], contract.pk, request.user)
    forget_standing(request.user)
