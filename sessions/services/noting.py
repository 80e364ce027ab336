"""Closing an airtime slot as "learning noted, no action", and opening it again
(docs/product.md#learning-noted-no-action).

Sometimes the insight is the outcome: the presenter, or a facilitator for them, closes the
slot saying so. Both writes are the meeting page's (its revision is claimed, so an out-of-date
form changes nothing), in one transaction, and queue inaction detection for the set, whose
"talk without action" signal skips such a slot (docs/signals.md#talk-without-action).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from alsspace.models import User
from sessions.models import AirtimeSlot, Meeting
from sessions.services.running import _claim, _slot, _stop


@transaction.atomic
def note_learning(
    meeting: Meeting,
    slot: AirtimeSlot,
    *,
    actor: User,
    revision: int,
    now: datetime | None = None,
) -> AirtimeSlot:
    """Close the slot as learning noted, no action. A running timer stops there: the slot
    has ended. A slot in which an action was agreed is not closed with no action."""
    now = now or timezone.now()
    _claim(meeting, revision)
    slot = _slot(meeting, slot)
    if meeting.starts_at > now:
        raise ValidationError(
            gettext("This meeting has not started yet, so no slot in it has ended.")
        )
    if slot.learning_noted_at is not None:
        return slot
    if slot.actions.exists():
        raise ValidationError(
            gettext(
                "An action was agreed in this slot, so it cannot be closed with no action. If "
                "the action was recorded by mistake, remove it first."
            )
        )
    if slot.timer_started_at is not None:
        _stop(slot, now)
    slot.learning_noted_at = now
    slot.learning_noted_by = actor
    slot.save(update_fields=["learning_noted_at", "learning_noted_by"])
    return slot


@transaction.atomic
def reopen(meeting: Meeting, slot: AirtimeSlot, *, revision: int) -> AirtimeSlot:
    """Undo "learning noted": the slot is an ordinary one again, and counts as such."""
    _claim(meeting, revision)
    slot = _slot(meeting, slot)
    if slot.learning_noted_at is not None:
        slot.learning_noted_at = None
        slot.learning_noted_by = None
        slot.save(update_fields=["learning_noted_at", "learning_noted_by"])
    return slot
