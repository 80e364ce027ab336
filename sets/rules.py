"""Who may do what with programmes and sets: docs/confidentiality.md#who-sees-what as
predicates.

A person's standing in a set is worked out once per request (`standing`) and cached on the
user object, so predicates can be combined freely without repeating queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import rules
from django.apps import apps
from django.db.models import Subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from alsspace.models import User
    from sets.models import Invitation, LearningSet, Nudge, Programme

    # Whoever a permission is asked for: request.user, signed in or not.
    Person: TypeAlias = User | AnonymousUser


@dataclass(frozen=True)
class Standing:
    """What one person is to one set."""

    programme_admin: bool = False
    role: str | None = None  # "facilitator" or "member" while the membership is current
    former: bool = False  # was in the set and has left (and is not back in it)
    accepted_contract: bool = False  # has accepted the set's current contract version

    @property
    def facilitator(self) -> bool:
        return self.role == "facilitator"

    @property
    def member(self) -> bool:
        return self.role == "member"

    @property
    def participant(self) -> bool:
        return self.role is not None

    @property
    def pending(self) -> bool:
        return self.member and not self.accepted_contract


def standing(user: Person, learning_set: LearningSet | None) -> Standing:
    if not user.is_authenticated or not user.is_active or learning_set is None:
        return Standing()
    # getattr and setattr, not __dict__: request.user is a lazy proxy whose own __dict__ is
    # not the user's, so a memo kept there would be missed by the next call.
    cache: dict[int, Standing] | None = getattr(user, "_set_standing", None)
    if cache is None:
        cache = {}
        setattr(user, "_set_standing", cache)  # noqa: B010
    if learning_set.pk not in cache:
        cache[learning_set.pk] = _load_standing(user, learning_set)
    return cache[learning_set.pk]


def forget_standing(user: Person) -> None:
    """Drop cached standings after this request changed them (joined, accepted, left)."""
    for memo in ("_set_standing", "_admin_programmes"):
        if hasattr(user, memo):
            delattr(user, memo)


def _load_standing(user: User, learning_set: LearningSet) -> Standing:
    Membership = apps.get_model("sets", "Membership")
    Contract = apps.get_model("sets", "Contract")
    ContractAcceptance = apps.get_model("sets", "ContractAcceptance")
    current_contract = Contract.objects.filter(learning_set=learning_set).order_by("-version")
    memberships = list(
        Membership.objects.filter(learning_set=learning_set, user=user)
        .annotate(
            accepted=Subquery(
                ContractAcceptance.objects.filter(
                    user=user, contract=Subquery(current_contract.values("pk")[:1])
                ).values("pk")[:1]
            )
        )
        .values("role", "left_at", "accepted")
    )
    current = next((m for m in memberships if m["left_at"] is None), None)
    return Standing(
        programme_admin=learning_set.programme_id in administered_programme_ids(user),
        role=current["role"] if current else None,
        former=current is None and bool(memberships),
        accepted_contract=bool(current and current["accepted"]),
    )


def administered_programme_ids(user: Person) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    ids: frozenset[int] | None = getattr(user, "_admin_programmes", None)
    if ids is None:
        Programme = apps.get_model("sets", "Programme")
        ids = frozenset(Programme.objects.filter(admins=user).values_list("pk", flat=True))
        setattr(user, "_admin_programmes", ids)  # noqa: B010
    return ids


# Programmes


@rules.predicate
def is_programme_admin(user: Person, programme: Programme | None) -> bool:
    return programme is not None and programme.pk in administered_programme_ids(user)


@rules.predicate
def can_create_programme(user: Person) -> bool:
    # The operator starts an installation's first programme in the admin; its admins may
    # then start more.
    return user.is_authenticated and (user.is_staff or bool(administered_programme_ids(user)))


# Sets


@rules.predicate
def is_set_programme_admin(user: Person, learning_set: LearningSet | None) -> bool:
    return standing(user, learning_set).programme_admin


@rules.predicate
def is_set_facilitator(user: Person, learning_set: LearningSet | None) -> bool:
    return standing(user, learning_set).facilitator


@rules.predicate
def is_active_member(user: Person, learning_set: LearningSet | None) -> bool:
    return standing(user, learning_set).member


@rules.predicate
def is_current_participant(user: Person, learning_set: LearningSet | None) -> bool:
    return standing(user, learning_set).participant


@rules.predicate
def can_view_set(user: Person, learning_set: LearningSet | None) -> bool:
    """Names, schedule and roster: current members (accepted or not), facilitators, admins."""
    s = standing(user, learning_set)
    return s.participant or s.programme_admin


@rules.predicate
def can_view_set_content(user: Person, learning_set: LearningSet | None) -> bool:
    """What was said: facilitators, and members under the current contract. Never admins."""
    s = standing(user, learning_set)
    return s.facilitator or (s.member and s.accepted_contract)


@rules.predicate
def can_manage_members(user: Person, learning_set: LearningSet | None) -> bool:
    s = standing(user, learning_set)
    return s.facilitator or s.programme_admin


@rules.predicate
def can_schedule_meetings(user: Person, learning_set: LearningSet | None) -> bool:
    """Facilitators and the programme's admins schedule, move and cancel the set's meetings."""
    s = standing(user, learning_set)
    return s.facilitator or s.programme_admin


@rules.predicate
def can_view_attendance_report(user: Person, learning_set: LearningSet | None) -> bool:
    """Attendance rates and exports: the set's facilitators and the programme's admins."""
    s = standing(user, learning_set)
    return s.facilitator or s.programme_admin


@rules.predicate
def can_view_dashboard(user: Person, learning_set: LearningSet | None) -> bool:
    """Inaction prompts, facilitator notes and the pulse trend: the set's facilitators only,
    never its members or the programme's admins (docs/confidentiality.md#who-sees-what)."""
    return standing(user, learning_set).facilitator


@rules.predicate
def is_open_set(user: Person, learning_set: LearningSet | None) -> bool:
    return learning_set is not None and not learning_set.is_closed


# Letting oneself in: access to what a set says is never granted on one person's say-so.


def grants_own_access(user: Person, email: str) -> bool:
    """Whether an invitation sent by `user` to `email` would let them into the set's content.
    Every role a set invites to does: a member once they accept the contract, a facilitator
    at once. Addresses are compared as sign-in compares them, without case."""
    return user.is_authenticated and email.strip().lower() == user.email.lower()


def is_own_invitation(user: Person, invitation: Invitation) -> bool:
    """The person asked for it or would be let in by it."""
    return invitation.invited_by_id == user.pk or grants_own_access(user, invitation.email)


@rules.predicate
def can_approve_invitation(user: Person, invitation: Invitation | None) -> bool:
    """A second person lets someone in on their own request: another admin of the set's
    programme, or the set's current facilitator; never the person asking or the invitee."""
    if invitation is None or not invitation.needs_approval:
        return False
    learning_set = invitation.learning_set
    s = standing(user, learning_set)
    return (
        (s.programme_admin or s.facilitator)
        and not is_own_invitation(user, invitation)
        and not learning_set.is_closed
    )


# Nudges


@rules.predicate
def is_nudged_person(user: Person, nudge: Nudge | None) -> bool:
    """A nudge is its recipient's alone: only they see or dismiss it."""
    return nudge is not None and user.is_authenticated and nudge.person_id == user.pk


@rules.predicate
def is_signed_in(user: Person) -> bool:
    """Pages about one's own account (which nudges to get) are everyone's who is signed in."""
    return bool(user.is_authenticated and user.is_active)


rules.add_perm("sets.choose_nudges", is_signed_in)
