"""What a person may list. Every list page starts from one of these, never from `.objects`."""

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from alsspace.models import AuditEvent, User
from sets.models import (
    ESSENTIAL_NUDGES,
    Amendment,
    Contract,
    ContractAcceptance,
    Invitation,
    LearningSet,
    Membership,
    Nudge,
    NudgeOptOut,
    Programme,
    ProgrammeEntrant,
    ProgrammeSignOn,
)


def administered_programmes(user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(admins=user)


def visible_sets(user: User) -> QuerySet[LearningSet]:
    """Sets whose names, schedule and roster the person may see
    (docs/confidentiality.md#who-sees-what, first row)."""
    return LearningSet.objects.filter(
        Q(memberships__user=user, memberships__left_at__isnull=True) | Q(programme__admins=user)
    ).distinct()


def facilitated_sets(user: User) -> QuerySet[LearningSet]:
    return LearningSet.objects.filter(
        memberships__user=user, memberships__left_at__isnull=True, memberships__role="facilitator"
    ).select_related("programme")


def _with_contract_state(sets: QuerySet[LearningSet], user: User) -> QuerySet[LearningSet]:
    """Each set annotated with whether it has a contract yet and whether the person has
    accepted its current version."""
    current_contract = Contract.objects.filter(learning_set=OuterRef(OuterRef("pk"))).order_by(
        "-version"
    )
    return sets.annotate(
        accepted_contract=Exists(
            ContractAcceptance.objects.filter(
                user=user, contract=Subquery(current_contract.values("pk")[:1])
            )
        ),
        has_contract=Exists(Contract.objects.filter(learning_set=OuterRef("pk"))),
    )


def member_sets(user: User) -> QuerySet[LearningSet]:
    """Sets the person belongs to as a member, with their contract state."""
    sets = LearningSet.objects.filter(
        memberships__user=user, memberships__left_at__isnull=True, memberships__role="member"
    )
    return _with_contract_state(sets.select_related("programme"), user)


# The role `my_places` gives the programmes a person runs.
PROGRAMME_ADMIN = "programme_admin"


def my_places(user: User) -> QuerySet[Membership, tuple[int, str, datetime | None]]:
    """Everywhere the person has a place, in one query cheap enough to ask first, so that a
    page loads only the sets and programmes it shows, and none for someone in none: their
    memberships now and past as (set id, role, left_at) rows, and the programmes they run as
    (programme id, PROGRAMME_ADMIN, None)."""
    memberships = Membership.objects.filter(user=user).values_list(
        "learning_set_id", "role", "left_at"
    )
    runs = (
        Programme.admins.through.objects.filter(user=user)
        .annotate(
            role=Value(PROGRAMME_ADMIN, output_field=CharField()),
            left_at=Value(None, output_field=DateTimeField()),
        )
        .values_list("programme_id", "role", "left_at")
    )
    return memberships.order_by().union(runs, all=True)


def programmes(ids: Collection[int]) -> QuerySet[Programme]:
    """The programmes with these ids, as `my_places` lists the ones a person runs."""
    return Programme.objects.filter(pk__in=ids)


def current_sets(user: User, roles: dict[int, str]) -> list[LearningSet]:
    """The sets the person is in now, from `roles` (set id → their role there, as
    `my_memberships` gives it), each with `my_role` and their contract state."""
    sets = list(
        _with_contract_state(
            LearningSet.objects.filter(pk__in=roles).select_related("programme"), user
        )
    )
    for learning_set in sets:
        learning_set.my_role = roles[learning_set.pk]  # type: ignore[attr-defined]
    return sets


def left_sets(left_on: dict[int, datetime]) -> list[LearningSet]:
    """The sets the person has left and is not in now, from `left_on` (set id → when they
    last left), each with `left_on`, most recently left first: the names only, for their own
    home page."""
    sets = list(
        LearningSet.objects.filter(pk__in=left_on).select_related("programme").order_by("name")
    )
    for learning_set in sets:
        learning_set.left_on = left_on[learning_set.pk]  # type: ignore[attr-defined]
    return sorted(sets, key=lambda learning_set: left_on[learning_set.pk], reverse=True)


def content_sets(user: User) -> QuerySet[LearningSet]:
    """Open or closed sets whose content the person may read: sets they facilitate, and
    sets whose current contract they have accepted as a member. One pass over the person's
    memberships: cheaper to build and to plan than a union of member_sets and
    facilitated_sets."""
    current_contract = (
        Contract.objects.filter(learning_set=OuterRef(OuterRef("learning_set")))
        .order_by("-version")
        .values("pk")[:1]
    )
    accepted = ContractAcceptance.objects.filter(user=user, contract=Subquery(current_contract))
    readers = Membership.objects.current().filter(
        Q(role="facilitator") | (Q(role="member") & Q(Exists(accepted))), user=user
    )
    return LearningSet.objects.filter(pk__in=readers.values("learning_set")).select_related(
        "programme"
    )


def roster(learning_set: LearningSet) -> QuerySet[Membership]:
    """Current facilitators and members, with whether each has accepted the current contract."""
    current_contract = learning_set.contracts.order_by("-version").values("pk")[:1]
    return (
        Membership.objects.current()
        .filter(learning_set=learning_set)
        .select_related("user", "granted_by")
        .annotate(
            accepted_contract=Exists(
                ContractAcceptance.objects.filter(
                    user=OuterRef("user"), contract=Subquery(current_contract)
                )
            )
        )
        .order_by("role", "user__name")
    )


def programme_sets(programme: Programme) -> QuerySet[LearningSet]:
    """The programme's sets with their facilitators, member counts and invitations still
    open (a subquery: a second join would multiply the member count)."""
    open_invitations = (
        Invitation.objects.pending()
        .filter(learning_set=OuterRef("pk"))
        .values("learning_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        programme.sets.annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__left_at__isnull=True, memberships__role="member"),
            ),
            invited_count=Coalesce(Subquery(open_invitations), 0),
        )
        .prefetch_related(_current_facilitators_prefetch())
        .order_by("name")
    )


def _current_facilitators_prefetch() -> "Prefetch[str, QuerySet[Membership], str]":
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current().filter(role="facilitator").select_related("user"),
        to_attr="facilitator_memberships",
    )


def open_invitations(learning_set: LearningSet) -> QuerySet[Invitation]:
    return Invitation.objects.open().filter(learning_set=learning_set).select_related("invited_by")


def programme_audit_events(
    programme: Programme,
    *,
    action: str = "",
    person: str = "",
    starts: datetime | None = None,
    ends: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The programme's audit events, newest first, narrowed to one action, to events where a
    person (part of a name or email address) acted or was acted on, and to events at or after
    `starts` and before `ends`."""
    events = AuditEvent.objects.filter(programme_id=programme.pk).select_related("actor")
    if action:
        events = events.filter(action=action)
    if person:
        events = events.filter(
            Q(actor__name__icontains=person)
            | Q(actor__email__icontains=person)
            | Q(subject__icontains=person)
        )
    if starts is not None:
        events = events.filter(created_at__gte=starts)
    if ends is not None:
        events = events.filter(created_at__lt=ends)
    return events


def names_by_email(emails: Collection[str]) -> dict[str, str]:
    """The names of the people with these (casefolded) email addresses, by address."""
    if not emails:
        return {}
    found = get_user_model().objects.filter(email__in=emails).values_list("email", "name")
    return {email.casefold(): name for email, name in found if name}


def approval_requests(learning_set: LearningSet) -> QuerySet[Invitation]:
    """The set's invitations that someone sent to their own address: awaiting approval, or
    already approved or declined (so a second click on a decision finds it made)."""
    return Invitation.objects.filter(learning_set=learning_set, needs_approval=True).select_related(
        "learning_set__programme", "invited_by", "approved_by"
    )


def approvers(invitation: Invitation) -> QuerySet[User]:
    """Who may approve an invitation someone sent to their own address: the set's programme
    admins and current facilitators, but neither the person who asked nor the invitee."""
    learning_set = invitation.learning_set
    User = get_user_model()
    return (
        User.objects.filter(
            Q(administered_programmes=learning_set.programme_id)
            | Q(
                memberships__learning_set=learning_set,
                memberships__role="facilitator",
                memberships__left_at__isnull=True,
            ),
            is_active=True,
        )
        .exclude(pk=invitation.invited_by_id)
        .exclude(email__iexact=invitation.email)
        .distinct()
        .order_by("email")
    )


def participants(learning_set: LearningSet) -> QuerySet[Membership]:
    """Everyone currently in the set, facilitators and members, accepted or not."""
    return (
        Membership.objects.current()
        .filter(learning_set=learning_set, user__is_active=True)
        .select_related("user")
    )


# The contract the set negotiates (docs/product.md#contracts)


def contract_versions(learning_set: LearningSet) -> QuerySet[Contract]:
    """Every version of the set's contract, newest first, with who wrote it up, the proposal
    it adopted, if any, and how many accepted it."""
    return (
        learning_set.contracts.select_related("created_by", "adopted_from__proposed_by")
        .annotate(acceptance_count=Count("acceptances"))
        .order_by("-version")
    )


def amendments(learning_set: LearningSet) -> QuerySet[Amendment]:
    """The set's proposed changes to its contract, newest first, with their people."""
    return learning_set.amendments.select_related(
        "learning_set__programme", "based_on", "proposed_by", "decided_by", "adopted_as"
    )


def last_accepted_version(learning_set: LearningSet, user: User) -> int | None:
    """The latest version of the set's contract the person accepted, if any."""
    accepted = ContractAcceptance.objects.filter(contract__learning_set=learning_set, user=user)
    version: int | None = (
        accepted.order_by("-contract__version").values_list("contract__version", flat=True).first()
    )
    return version


def open_amendment_count(learning_set: LearningSet) -> int:
    """How many proposed changes to the set's contract wait for a decision."""
    return learning_set.amendments.filter(status=Amendment.Status.OPEN).count()


def set_size(learning_set: LearningSet) -> tuple[int, int]:
    """Current members (not facilitators), and members invited whose invitation is still
    open and not expired (awaiting approval included): what sets.shape warns about."""
    members = (
        Membership.objects.current()
        .filter(learning_set=learning_set, role=Membership.Role.MEMBER)
        .count()
    )
    invited = (
        Invitation.objects.open()
        .filter(
            learning_set=learning_set,
            role=Membership.Role.MEMBER,
            expires_at__gt=timezone.now(),
        )
        .count()
    )
    return members, invited


# Nudges


def members_with_contract_state(learning_sets: QuerySet[LearningSet]) -> QuerySet[Membership]:
    """The current members (facilitators aside) of these sets whose accounts are active, each
    with the set's current contract version (`contract_id`, None before there is one), when
    it was written (`contract_at`) and whether they have accepted it (`accepted`)."""
    current = Contract.objects.filter(learning_set=OuterRef("learning_set")).order_by("-version")
    current_of_outer = Contract.objects.filter(
        learning_set=OuterRef(OuterRef("learning_set"))
    ).order_by("-version")
    return (
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBER, learning_set__in=learning_sets, user__is_active=True)
        .select_related("user", "learning_set")
        .annotate(
            contract_id=Subquery(current.values("pk")[:1]),
            contract_at=Subquery(current.values("created_at")[:1]),
            accepted=Exists(
                ContractAcceptance.objects.filter(
                    user=OuterRef("user"), contract=Subquery(current_of_outer.values("pk")[:1])
                )
            ),
        )
    )


def notices(user: User, now: datetime) -> list[Nudge]:
    """The nudges the person's home page shows: not dismissed or settled, their moment not
    passed, in an open set they are still in, of a kind they have not turned off, and for
    the contract, only while the version is the current one and they have not accepted it."""
    current_contract = Contract.objects.filter(learning_set=OuterRef("learning_set")).order_by(
        "-version"
    )
    in_set = Membership.objects.current().filter(user=user, learning_set=OuterRef("learning_set"))
    turned_off = NudgeOptOut.objects.filter(person=user, kind=OuterRef("kind")).exclude(
        kind__in=ESSENTIAL_NUDGES
    )
    nudges = (
        Nudge.objects.filter(person=user, dismissed_at=None)
        .filter(Q(ends_at=None) | Q(ends_at__gt=now))
        .exclude(learning_set__status=LearningSet.Status.CLOSED)
        .filter(Exists(in_set))
        .exclude(Exists(turned_off))
        .annotate(
            current_contract=Subquery(current_contract.values("pk")[:1]),
            accepted=Exists(
                ContractAcceptance.objects.filter(user=user, contract=OuterRef("occasion"))
            ),
        )
        .select_related("learning_set")
        .order_by("created_at", "pk")
    )
    return [
        nudge
        for nudge in nudges
        if nudge.kind != Nudge.Kind.CONTRACT_WAITING
        or (nudge.occasion == nudge.current_contract and not nudge.accepted)
    ]


def programme_people(programme: Programme) -> QuerySet[User]:
    """Everyone who already has an account in the programme: in one of its sets now, as a
    facilitator or member, or one of its admins; by name."""
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__learning_set__programme=programme, memberships__left_at=None)
            | Q(administered_programmes=programme),
            is_active=True,
        )
        .distinct()
        .order_by("name", "email")
    )


def own_nudges(user: User) -> QuerySet[Nudge]:
    """A person's nudges: theirs alone."""
    return Nudge.objects.filter(person=user)


# Single sign-on (docs/sso.md)


def programme_sign_on(programme: Programme) -> ProgrammeSignOn | None:
    return ProgrammeSignOn.objects.filter(programme=programme).first()


def _without_a_set_in(programme_field: str) -> Exists:
    """Whether the entrant is in no set of the programme now."""
    return Exists(
        Membership.objects.filter(
            user=OuterRef("user"),
            learning_set__programme=OuterRef(programme_field),
            left_at__isnull=True,
        )
    )


def waiting_for_a_set(programme: Programme) -> QuerySet[ProgrammeEntrant]:
    """The people who signed up to the programme through its identity provider and are in
    none of its sets yet: its admins invite them to one."""
    return (
        ProgrammeEntrant.objects.filter(programme=programme)
        .exclude(_without_a_set_in("programme"))
        .select_related("user")
        .order_by("entered_at", "pk")
    )


def programmes_waited_in(user: User) -> QuerySet[ProgrammeEntrant]:
    """The programmes the person signed up to and has no set in yet (the home page says what
    happens next: docs/sso.md#signing-up-without-an-invitation)."""
    return (
        ProgrammeEntrant.objects.filter(user=user)
        .exclude(_without_a_set_in("programme"))
        .select_related("programme")
        .order_by("entered_at", "pk")
    )
