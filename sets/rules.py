"""Who may do what with programmes and sets: docs/confidentiality.md#who-sees-what as
predicates.

A person's standing in a set is worked out once per request (`standing`) and cached on the
user object, so predicates can be combined freely without repeating queries. The memo is
dropped whenever what a standing is made of changes, by any path (`standings_changed`, called
from sets.receivers).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

import rules
from django.apps import apps
from django.db import connections, models, router

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from alsspace.models import User
    from sets.models import Amendment, Invitation, LearningSet, Nudge, Programme

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


# Bumped whenever a membership, a contract, an acceptance, a set or a programme's admins change
# (sets.receivers), in this process; a memo made under an older generation is dropped.
_changes = itertools.count(1)
_generation = 0


def standings_changed() -> None:
    """Every standing memoised so far may be out of date: load them again when next asked.
    Called by the receivers in sets.receivers, the one place that follows what a standing
    is made of."""
    global _generation
    _generation = next(_changes)


@dataclass
class _Memo:
    generation: int
    standings: dict[int, Standing] = field(default_factory=dict)  # by set
    admin_programmes: frozenset[int] | None = None


def _memo(user: User) -> _Memo:
    """The user object's memo of standings, emptied if anything changed since it was made.
    getattr and setattr, not __dict__: request.user is a lazy proxy whose own __dict__ is not
    the user's, so a memo kept there would be missed by the next call."""
    memo: _Memo | None = getattr(user, "_standing_memo", None)
    if memo is None or memo.generation != _generation:
        memo = _Memo(generation=_generation)
        setattr(user, "_standing_memo", memo)  # noqa: B010
    return memo


def standing(user: Person, learning_set: LearningSet | None) -> Standing:
    if not user.is_authenticated or not user.is_active or learning_set is None:
        return Standing()
    standings = _memo(user).standings
    if learning_set.pk not in standings:
        standings[learning_set.pk] = _load_standing(user, learning_set)
    return standings[learning_set.pk]


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
    memo = _memo(user)
    admin_ids = memo.admin_programmes
    if admin_ids is None:
        sql += " UNION ALL " + ADMINISTERED_SQL
        params.append(user.pk)
    with connections[router.db_for_read(apps.get_model("sets", "Membership"))].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if admin_ids is None:
        admin_ids = frozenset(row[4] for row in rows if row[4] is not None)
        memo.admin_programmes = admin_ids
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
    memo = _memo(user)
    if memo.admin_programmes is None:
        Programme = apps.get_model("sets", "Programme")
        memo.admin_programmes = frozenset(
            Programme.objects.filter(admins=user).values_list("pk", flat=True)
        )
    return memo.admin_programmes


# Programmes


@rules.predicate
def is_programme_admin(user: Person, programme: Programme | None) -> bool:
    return programme is not None and programme.pk in administered_programme_ids(user)


@rules.predicate
def can_create_programme(user: Person) -> bool:
    # The operator starts an installation's first programme in the admin; its admins may
    # then start more.
    return user.is_authenticated and (user.is_staff or bool(administered_programme_ids(user)))


def is_required_to_use_mfa(user: User) -> bool:
    """Runs a programme that requires two-factor sign-in of its facilitators and admins, or
    facilitates a set in one (docs/confidentiality.md#signing-in). Members are never required.
    One query, asked at sign-in and while someone required has no second factor yet
    (alsspace/mfa.py), never on everyone's pages."""
    Programme = apps.get_model("sets", "Programme")
    Membership = apps.get_model("sets", "Membership")
    facilitated = Membership.objects.filter(
        user=user, role="facilitator", left_at__isnull=True
    ).values("learning_set__programme_id")
    return bool(
        Programme.objects.filter(require_mfa=True)
        .filter(models.Q(admins=user) | models.Q(pk__in=facilitated))
        .exists()
    )


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
def has_accepted_contract(user: Person, learning_set: LearningSet | None) -> bool:
    """Has accepted the set's current contract version (while in the set)."""
    return standing(user, learning_set).accepted_contract


# A member who has accepted the set's current contract.
is_member_under_contract = is_active_member & has_accepted_contract

# Names, schedule and roster: current members (accepted or not), facilitators, admins.
can_view_set = is_current_participant | is_set_programme_admin

# What was said: facilitators, and members under the current contract. Never admins.
can_view_set_content = is_set_facilitator | is_member_under_contract

# Those who look after a set: its facilitators and its programme's admins. They manage its
# members, close it, and (sessions.rules) schedule its meetings and read its attendance.
is_set_lead = is_set_facilitator | is_set_programme_admin

can_manage_members = is_set_lead


@rules.predicate
def is_open_set(user: Person, learning_set: LearningSet | None) -> bool:
    return learning_set is not None and not learning_set.is_closed


# Amendments to the contract (docs/product.md#contracts): proposed by members under the
# contract, read by whoever reads the set's content, decided by its facilitator.


can_propose_amendment = is_member_under_contract & is_open_set


@rules.predicate
def is_open_amendment(user: Person, amendment: Amendment | None) -> bool:
    return amendment is not None and amendment.is_open and not amendment.learning_set.is_closed


@rules.predicate
def can_view_amendment(user: Person, amendment: Amendment | None) -> bool:
    return amendment is not None and bool(can_view_set_content(user, amendment.learning_set))


@rules.predicate
def is_amendment_facilitator(user: Person, amendment: Amendment | None) -> bool:
    return amendment is not None and bool(is_set_facilitator(user, amendment.learning_set))


@rules.predicate
def is_amendment_proposer(user: Person, amendment: Amendment | None) -> bool:
    return (
        amendment is not None
        and amendment.proposed_by_id == user.pk
        and bool(is_active_member(user, amendment.learning_set))
    )


can_decide_amendment = is_amendment_facilitator & is_open_amendment
can_withdraw_amendment = is_amendment_proposer & is_open_amendment


# Forming or active: the set becomes active at its first held meeting by itself, and its
# facilitator may say so sooner (or take it back). Closing is its own act.
can_set_status = is_set_facilitator


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
    return bool((is_set_lead & is_open_set)(user, invitation.learning_set)) and not (
        is_own_invitation(user, invitation)
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
# One's own name, time zone and language.
rules.add_perm("sets.change_own_details", is_signed_in)
