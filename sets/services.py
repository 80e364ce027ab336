"""Every write to programmes and sets that touches several rows or must be audited.

Each function runs in one transaction and records its audit event in the same one.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from alsspace.audit import Action, record
from sets.models import (
    Contract,
    ContractAcceptance,
    Invitation,
    LearningSet,
    Membership,
    Programme,
)
from sets.rules import forget_standing
from sets.tasks import send_invitation

# Programmes and sets


@transaction.atomic
def create_programme(form, *, request):
    programme = form.save()
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
def add_programme_admin(programme, user, *, request):
    # Locking the programme makes the same admin added twice at once one addition.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if programme.admins.filter(pk=user.pk).exists():
        raise ValidationError(f"{user} is already an admin of this programme.")
    programme.admins.add(user)
    record(Action.PROGRAMME_ADMIN_ADDED, request=request, programme=programme, subject=user.email)


@transaction.atomic
def remove_programme_admin(programme, user, *, request):
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
def close_set(learning_set, *, request):
    locked = LearningSet.objects.select_for_update().get(pk=learning_set.pk)
    if locked.is_closed:  # closed a moment ago, by another request
        return
    learning_set.status = LearningSet.Status.CLOSED
    learning_set.closed_at = timezone.now()
    learning_set.save(update_fields=["status", "closed_at"])
    Invitation.objects.pending().filter(learning_set=learning_set).update(revoked_at=timezone.now())
    record(
        Action.SET_CLOSED,
        request=request,
        programme=learning_set.programme_id,
        subject=learning_set,
    )


# Invitations


def _send(invitation):
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))


def check_can_invite(learning_set, email, role):
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
def invite(learning_set, *, name, email, role, request):
    email = email.strip().lower()
    check_can_invite(learning_set, email, role)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                learning_set=learning_set,
                name=name.strip(),
                email=email,
                role=role,
                invited_by=request.user,
            )
    except IntegrityError:
        # The same person was invited to the same set a moment ago, by another request.
        raise ValidationError(
            f"{email} already has an open invitation to {learning_set}."
        ) from None
    _send(invitation)
    record(
        Action.INVITATION_SENT,
        request=request,
        programme=learning_set.programme_id,
        subject=email,
        set=learning_set.name,
        role=role,
    )
    return invitation


@transaction.atomic
def import_members(programme, rows, *, request):
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
def resend_invitation(invitation, *, request):
    """Send the link again with a fresh expiry; an expired invitation comes back to life."""
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
def revoke_invitation(invitation, *, request):
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
def accept_invitation(invitation, user, *, request):
    """Join the set in the invited role. The invitation is used up."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("This invitation has already been used, revoked or has expired.")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(f"This invitation was sent to {invitation.email}.")
    learning_set = invitation.learning_set
    membership = Membership.objects.current().filter(learning_set=learning_set, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            learning_set=learning_set, user=user, role=invitation.role
        )
        record(
            Action.MEMBERSHIP_ADDED,
            request=request,
            actor=user,
            programme=learning_set.programme_id,
            subject=user.email,
            set=learning_set.name,
            role=invitation.role,
        )
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
def end_membership(membership, *, request):
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
def change_role(membership, role, *, request):
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        Action.ROLE_CHANGED,
        request=request,
        programme=membership.learning_set.programme_id,
        subject=membership.user.email,
        set=membership.learning_set.name,
        old=old,
        new=role,
    )


# Contracts


def current_contract(learning_set):
    return learning_set.contracts.order_by("-version").first()


@transaction.atomic
def new_contract_version(learning_set, text, *, request):
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
def accept_contract(contract, *, request):
    _, created = ContractAcceptance.objects.get_or_create(contract=contract, user=request.user)
    if created:
        record(
            Action.CONTRACT_ACCEPTED,
            request=request,
            programme=contract.learning_set.programme_id,
            subject=contract.learning_set,
            version=contract.version,
        )
    forget_standing(request.user)
