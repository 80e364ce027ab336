"""A slot run in phases: presenting, questions, reflection, commitment
(docs/product.md#phases-questions-before-advice).

Nothing here is compulsory: a slot runs in phases only when the facilitator plans minutes for
one or more of them, and the phases with no minutes are skipped. All the phases run on the
slot's one timer: moving on records how long the phase under way took and starts the next
from the timer's reading, whether or not the timer is running. The slot's planned minutes
become the sum of its phases'.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sessions.models import AirtimeSlot, Meeting, Phase, SlotPhase
from sessions.services.running import MAX_PLANNED_MINUTES, _check_not_held, _claim, _slot

PHASES: list[str] = list(Phase.values)


def elapsed_seconds(slot: AirtimeSlot, now: datetime) -> int:
    """What the slot's timer reads at `now`."""
    seconds = slot.actual_seconds
    if slot.timer_started_at is not None:
        seconds += max(0, int((now - slot.timer_started_at).total_seconds()))
    return seconds


def next_phase_of(current: str, planned: list[str]) -> str | None:
    """The phase after `current` among those `planned` (in the order they run), or None."""
    later = [kind for kind in planned if PHASES.index(kind) > PHASES.index(current)]
    return later[0] if later else None


@transaction.atomic
def plan_phases(
    meeting: Meeting,
    slot: AirtimeSlot,
    *,
    minutes: dict[str, int],
    revision: int,
    now: datetime | None = None,
) -> AirtimeSlot:
    """Plan the slot's phases: `minutes` maps each phase to its planned minutes, 0 leaving it
    out. All 0 runs the slot without phases again. A phase that has already run keeps the
    time it took; the one under way stays under way if it is still planned, else the first
    planned phase is."""
    _claim(meeting, revision)
    slot = _slot(meeting, slot)
    if set(minutes) - set(PHASES):
        raise ValidationError(
            gettext("Plan minutes for presenting, questions, reflection or commitment.")
        )
    if any(value < 0 or value > MAX_PLANNED_MINUTES for value in minutes.values()):
        raise ValidationError(
            gettext("Each phase is 0 to %(max)d minutes.") % {"max": MAX_PLANNED_MINUTES}
        )
    planned = [kind for kind in PHASES if minutes.get(kind, 0) > 0]
    total = sum(minutes.get(kind, 0) for kind in planned)
    if total > MAX_PLANNED_MINUTES:
        raise ValidationError(
            gettext("The phases come to more than %(max)d minutes.") % {"max": MAX_PLANNED_MINUTES}
        )
    slot.phases.exclude(kind__in=planned).delete()
    for kind in planned:
        SlotPhase.objects.update_or_create(
            slot=slot,
            kind=kind,
            defaults={"order": PHASES.index(kind), "planned_minutes": minutes[kind]},
        )
    fields = ["phase", "phase_from_seconds"]
    if not planned:
        slot.phase = ""
        slot.phase_from_seconds = 0
    else:
        slot.planned_minutes = total
        fields.append("planned_minutes")
        if slot.phase not in planned:
            slot.phase = planned[0]
            slot.phase_from_seconds = elapsed_seconds(slot, now or timezone.now())
    slot.save(update_fields=fields)
    return slot


@transaction.atomic
def move_on(
    meeting: Meeting, slot: AirtimeSlot, *, revision: int, now: datetime | None = None
) -> AirtimeSlot:
    """One tap: the phase under way ends at the timer's reading and the next planned one
    begins."""
    _claim(meeting, revision)
    _check_not_held(
        meeting, gettext("This meeting is marked as held, so its phases stay as recorded.")
    )
    slot = _slot(meeting, slot)
    planned = list(slot.phases.values_list("kind", flat=True))
    if not slot.phase or slot.phase not in planned:
        raise ValidationError(gettext("This slot is not run in phases."))
    following = next_phase_of(slot.phase, planned)
    if following is None:
        raise ValidationError(gettext("This is the slot's last phase."))
    reading = elapsed_seconds(slot, now or timezone.now())
    slot.phases.filter(kind=slot.phase).update(
        used_seconds=max(0, reading - slot.phase_from_seconds)
    )
    slot.phase = following
    slot.phase_from_seconds = reading
    slot.save(update_fields=["phase", "phase_from_seconds"])
    return slot
