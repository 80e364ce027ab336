"""Nudges (docs/product.md#nudges): writing them, settling them, and each person's choice of
which kinds they get.

Apps above this one find the occasions (sessions.nudging, run by the reminder sweep) and call
`nudge`; this app owns the rows, the home page's notices and the emails, so that the home page
reads them without knowing about meetings.
"""

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from alsspace.models import User
from sets.models import ESSENTIAL_NUDGES, LearningSet, Nudge, NudgeOptOut
from sets.tasks import send_nudge

Kind = Nudge.Kind

# The kinds a person may turn off, in the order their notifications page lists them.
OPTIONAL_KINDS = [kind for kind in Kind if kind not in ESSENTIAL_NUDGES]


def turned_off(person: User) -> set[str]:
    return set(NudgeOptOut.objects.filter(person=person).values_list("kind", flat=True))


def nudge(
    person: User,
    learning_set: LearningSet,
    kind: str,
    occasion: int,
    *,
    link: str,
    occasion_at: datetime | None = None,
    ends_at: datetime | None = None,
    off: Collection[str] | None = None,
) -> Nudge | None:
    """Nudge `person` of one occasion, once: the row is written and its email queued, unless
    they had this nudge already or have turned its kind off (`off`, the kinds they turned
    off, when the caller has them; otherwise they are read). Returns the new nudge, or None."""
    if kind not in ESSENTIAL_NUDGES and kind in (turned_off(person) if off is None else off):
        return None
    try:
        with transaction.atomic():
            created = Nudge.objects.create(
                person=person,
                learning_set=learning_set,
                kind=kind,
                occasion=occasion,
                occasion_at=occasion_at,
                link=link,
                ends_at=ends_at,
            )
    except IntegrityError:
        return None  # nudged already, by this sweep's last run or another sweep
    transaction.on_commit(lambda: send_nudge.enqueue(created.pk))
    return created


def settle(kinds: Iterable[str], occasion: int, person: User | None = None) -> int:
    """The occasion is over (the pulse answered, the contract accepted, the meeting
    cancelled): its nudges are shown no more, and not emailed if they have not been yet.
    For one person, or for everyone nudged of it."""
    nudges = Nudge.objects.filter(kind__in=list(kinds), occasion=occasion, dismissed_at=None)
    if person is not None:
        nudges = nudges.filter(person=person)
    return nudges.update(dismissed_at=timezone.now())


def move(kinds: Iterable[str], occasion: int, occasion_at: datetime) -> int:
    """The meeting the nudges are about has moved: they say its new time and last until it."""
    return Nudge.objects.filter(kind__in=list(kinds), occasion=occasion).update(
        occasion_at=occasion_at, ends_at=occasion_at
    )


@transaction.atomic
def dismiss(nudge: Nudge, *, actor: User) -> None:
    """Take a notice off the person's home page for good. Dismissing twice is dismissing."""
    Nudge.objects.filter(pk=nudge.pk, person=actor, dismissed_at=None).update(
        dismissed_at=timezone.now()
    )


@transaction.atomic
def choose_kinds(person: User, wanted: Collection[str]) -> None:
    """Keep the kinds in `wanted` on and turn every other optional kind off."""
    off = [kind for kind in OPTIONAL_KINDS if kind not in wanted]
    NudgeOptOut.objects.filter(person=person).exclude(kind__in=off).delete()
    NudgeOptOut.objects.bulk_create(
        [NudgeOptOut(person=person, kind=kind) for kind in off], ignore_conflicts=True
    )
