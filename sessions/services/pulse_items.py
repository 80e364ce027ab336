"""A programme's pulse statements, as its admins set them (docs/product.md#pulse).

A statement a meeting has been asked is never changed: its number is what that meeting's
tallies count answers against, and its words are what the meeting's published results show.
So a statement whose words, scoring or dimension change is retired and a new one, with a new
number, takes its place; one taken away is retired. A member who opened the pulse before the
change is then refused, with nothing counted, rather than having answers to one statement
counted against another (sessions.services.pulse).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alsspace.audit import record
from alsspace.models import User
from sessions import pulse
from sessions.audit_actions import MeetingAction
from sessions.models import PULSE_ITEM_NUMBERS, PulseItem
from sets.models import Programme

# No pulse asks more than this many statements: it takes about two minutes.
MAX_ITEMS = 20


@dataclass(frozen=True)
class Wanted:
    """One statement as the admins want it: `number` is the statement it was, None if new."""

    number: int | None
    text: str
    reverse: bool
    dimension: str

    def same_as(self, item: PulseItem) -> bool:
        return (self.text, self.reverse, self.dimension) == (
            item.text,
            item.reverse,
            item.dimension,
        )


def _with_challenge(wanted: Sequence[Wanted], challenge: bool) -> list[Wanted]:
    """Without challenge, its statements go; with it and none named, the two defaults come."""
    kept = [w for w in wanted if challenge or w.dimension != pulse.CHALLENGE]
    if challenge and not any(w.dimension == pulse.CHALLENGE for w in kept):
        kept += [Wanted(None, _(i.text), i.reverse, i.dimension) for i in pulse.CHALLENGE_ITEMS]
    return kept


@transaction.atomic
def save_pulse_items(
    programme: Programme,
    wanted: Sequence[Wanted],
    *,
    challenge: bool,
    actor: User,
    ip: str | None = None,
) -> bool:
    """Make the programme's statements `wanted`, in that order, asking the challenge ones only
    if `challenge`. All or nothing; returns whether anything changed (and was audited)."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    current = {item.number: item for item in pulse.programme_items(programme)}
    wanted = _with_challenge(wanted, challenge)
    if any(w.number is not None and w.number not in current for w in wanted):
        raise ValidationError(
            _(
                "The statements changed while you were editing them. Nothing was saved: "
                "look at them as they are now and make your change again."
            )
        )
    if not any(w.dimension == pulse.SAFETY for w in wanted):
        raise ValidationError(_("Keep at least one safety statement: the pulse is about safety."))
    if len(wanted) > MAX_ITEMS:
        raise ValidationError(_("Ask at most %(most)d statements.") % {"most": MAX_ITEMS})
    numbers = PulseItem.objects.filter(programme=programme.pk).aggregate(top=Max("number"))
    next_number = (numbers["top"] or 0) + 1
    now = timezone.now()
    kept: set[int] = set()
    added = retired = 0
    for position, w in enumerate(wanted, start=1):
        item = current.get(w.number) if w.number is not None else None
        if item is not None and w.same_as(item):
            kept.add(item.pk)
            if item.position != position:
                PulseItem.objects.filter(pk=item.pk).update(position=position)
            continue
        if next_number > PULSE_ITEM_NUMBERS[1]:
            raise ValidationError(_("This programme has changed its statements too many times."))
        PulseItem.objects.create(
            programme=programme,
            number=next_number,
            position=position,
            text=w.text,
            reverse=w.reverse,
            dimension=w.dimension,
        )
        next_number += 1
        added += 1
    gone = [item.pk for item in current.values() if item.pk not in kept]
    retired = PulseItem.objects.filter(pk__in=gone).update(retired_at=now)
    if not (added or retired):
        return False
    record(
        MeetingAction.PULSE_ITEMS_CHANGED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=programme,
        added=added,
        retired=retired,
        challenge=challenge,
    )
    return True
