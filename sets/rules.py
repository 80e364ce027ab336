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
from django.db import connections, router

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from alsspace.models import User
    from sets.models import Invitation, LearningSet, Programme

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


# A person's memberships of a set, each beside every version of the set's contract and
# whether they accepted it (a set has a handful of versions), and the programmes they run.
STANDING_SQL = (
    "SELECT m.role, m.left_at IS NULL, c.version, a.id IS NOT NULL, NULL"
    " FROM sets_membership m"
    " LEFT JOIN sets_contract c ON c.learning_set_id = m.learning_set_id"
    " LEFT JOIN sets_contractacceptance a ON a.contract_id = c.id AND a.user_id = m.user_id"
    " WHERE m.learning_set_id = %s AND m.user_id = %s"
)
ADMINISTERED_SQL = (
    "SELECT NULL, NULL, NULL, NULL, programme_id FROM sets_programme_admins WHERE user_id = %s"
)


def _load_standing(user: User, learning_set: LearningSet) -> Standing:
    """One query: the person's memberships of the set, each beside the set's contract versions
    and whether they accepted each one (a set has a handful), and, unless this request already
    knows them, the programmes the person runs, which it then remembers."""
    sql = STANDING_SQL
    params = [learning_set.pk, user.pk]
    admin_ids: frozenset[int] | None = getattr(user, "_admin_programmes", None)
    if admin_ids is None:
        sql += " UNION ALL " + ADMINISTERED_SQL
        params.append(user.pk)
    with connections[router.db_for_read(apps.get_model("sets", "Membership"))].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if admin_ids is None:
        admin_ids = frozenset(row[4] for row in rows if row[4] is not None)
        setattr(user, "_admin_programmes", admin_ids)  # noqa: B010
    # (role, current, contract version, accepted it) for each membership and contract.
    memberships = [row[:4] for row in rows if row[0] is not None]
    current = [row for row in memberships if row[1]]
    latest = max((row[2] for row in current if row[2] is not None), default=None)
    return Standing(
        programme_admin=learning_set.programme_id in admin_ids,
        role=current[0][0] if current else None,
        former=not current and bool(memberships),
        accepted_contract=any(row[2] == latest and row[3] for row in current),
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
