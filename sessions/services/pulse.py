"""Answering a meeting's pulse: a receipt that the member has answered, and, apart from it,
their answers with nothing to say whose they are (sessions.models.PulseResponse)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When

from sessions import pulse
from sessions.models import PULSE_ITEM_FIELDS, Meeting, PulseReceipt, PulseResponse, PulseTally

REFUSALS = {
    pulse.State.NOT_HELD: "The pulse opens once the facilitator marks the meeting as held.",
    pulse.State.NOT_PRESENT: "Only members who were at the meeting answer its pulse.",
    pulse.State.CLOSED: "The pulse for this meeting has closed.",
    pulse.State.ANSWERED: "You have already answered the pulse for this meeting.",
}


@transaction.atomic
def answer_pulse(meeting, member, answers, *, now=None):
    """Record one member's answers: `answers` maps each item field to 1–7. Either both the
    receipt and the response are written, or neither."""
    meeting = Meeting.objects.select_for_update().select_related("learning_set").get(pk=meeting.pk)
    if meeting.learning_set.is_closed:
        raise ValidationError(f"{meeting.learning_set} is closed, so its pulse is closed too.")
    state = pulse.state(meeting, member, now)
    if state is not pulse.State.OPEN:
        raise ValidationError(REFUSALS[state])
    values = {field: answers.get(field) for field in PULSE_ITEM_FIELDS}
    if not all(isinstance(v, int) and 1 <= v <= 7 for v in values.values()):
        raise ValidationError("Answer every statement on the scale from 1 to 7.")
    try:
        with transaction.atomic():
            PulseReceipt.objects.create(meeting=meeting, user=member)
    except IntegrityError:
        raise ValidationError(REFUSALS[pulse.State.ANSWERED]) from None
    PulseResponse.objects.create(meeting=meeting, **values)
    _count(meeting, values)


def _count(meeting, answers):
    chosen = Q()
    for item in pulse.ITEMS:
        chosen |= Q(item=item.number, point=answers[item.field])
    counted = PulseTally.objects.filter(meeting=meeting).update(
        count=F("count") + Case(When(chosen, then=Value(1)), default=Value(0))
    )
    if not counted:
        PulseTally.objects.bulk_create(pulse.tallies(meeting, [answers]))
