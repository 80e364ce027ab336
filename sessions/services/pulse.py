"""Answering a meeting's pulse: a receipt that the member has answered, and their answers
counted into the meeting's tallies (sessions.models.PulseTally), in one transaction.

No row per answer is kept, so there is none to line up with a receipt. What remains to link
a receipt to how its answers were counted is what the database records about each write, and
this is how the counting leaves nothing of that in a dump:

- Every answer rewrites all of the meeting's tally rows (49 for seven statements) with one
  UPDATE, adding 1 where
  the member chose that point and 0 everywhere else. PostgreSQL writes a new version of
  every row an UPDATE matches, changed or not, so afterwards each row carries the same
  transaction id (xmin), that of whoever answered last (their receipt's, written in a
  savepoint of the same transaction, is the next to it), and rows end up where the update
  put them, in the order it read them, whatever was answered. Counting only the seven
  chosen rows would leave those with that transaction's id, and would move them to
  the end of the table, which is the order pg_dump lists them in: the last answer to each
  meeting, and part of every earlier one, could be read straight off the dump. This way
  the dump shows who answered last, as the receipts' own order does, and only the sums.
- The rows are created in a fixed order (each statement, each point) by the first answer,
  so their ids say nothing either; receipts and tallies hold no time.
- The meeting's row is locked first, so answers to one meeting are counted one after
  another, and a count is never lost to another answer at the same moment.

What a dump does not hold, the database's own files and write-ahead log do for a while:
the versions of each row before an update, each marked with the transaction that replaced
it, until vacuum reclaims them and the log is recycled. Comparing those versions would show
what one transaction added. That needs the server's files or its WAL archive rather than a
dump, and it is covered by who may hold those, not by anything the schema can do. SQLite
rewrites rows in place and keeps no transaction ids; its journal or WAL file holds earlier
pages in the same way until a checkpoint.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeGuard

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.models import User
from sessions import pulse
from sessions.models import Meeting, PulseItem, PulseReceipt, PulseTally
from sets import nudges
from sets.models import Nudge, Programme

REFUSALS = {
    pulse.State.NOT_HELD: gettext_lazy(
        "The pulse opens once the facilitator marks the meeting as held."
    ),
    pulse.State.NOT_PRESENT: gettext_lazy("Only members who were at the meeting answer its pulse."),
    pulse.State.CLOSED: gettext_lazy("The pulse for this meeting has closed."),
    pulse.State.ANSWERED: gettext_lazy("You have already answered the pulse for this meeting."),
}


@transaction.atomic
def answer_pulse(
    meeting: Meeting, member: User, answers: Mapping[str, object], *, now: datetime | None = None
) -> None:
    """Record one member's answers: `answers` maps each item field to 1–7. Either both the
    receipt and the count are written, or neither."""
    meeting = Meeting.objects.select_for_update().select_related("learning_set").get(pk=meeting.pk)
    if meeting.learning_set.is_closed:
        raise ValidationError(
            _("%(set)s is closed, so its pulse is closed too.") % {"set": meeting.learning_set}
        )
    state = pulse.state(meeting, member, now)
    if state is not pulse.State.OPEN:
        raise ValidationError(REFUSALS[state])
    ensure_items(meeting.learning_set.programme_id)
    items = pulse.asked(meeting)
    fields = {item.field for item in items}
    if set(answers) - fields:
        raise ValidationError(
            _(
                "The statements of this pulse changed while you answered. Nothing was sent: "
                "please answer the statements as they are now."
            )
        )
    values = {item.field: answers.get(item.field) for item in items}
    if not _on_the_scale(values):
        raise ValidationError(_("Answer every statement on the scale from 1 to 7."))
    try:
        with transaction.atomic():
            PulseReceipt.objects.create(meeting=meeting, user=member)
    except IntegrityError:
        raise ValidationError(REFUSALS[pulse.State.ANSWERED]) from None
    _count(meeting, values, items)
    nudges.settle([Nudge.Kind.PULSE_OPEN], meeting.pk, member)


def _on_the_scale(values: Mapping[str, object]) -> TypeGuard[Mapping[str, int]]:
    return all(isinstance(v, int) and 1 <= v <= 7 for v in values.values())


def ensure_items(programme_id: int) -> None:
    """A programme that somehow has no statements is given Edmondson's seven before its pulse
    is counted, so that its tallies always name statements it has."""
    if not PulseItem.objects.filter(programme=programme_id).exists():
        PulseItem.objects.bulk_create(pulse.default_items(Programme(pk=programme_id)))


def _count(meeting: Meeting, answers: Mapping[str, int], items: list[pulse.Item]) -> None:
    """Add one answer to every one of the meeting's tally rows: 1 at each point chosen, 0
    elsewhere (see above). The first answer creates them; the meeting is already locked."""
    chosen = Q()
    for item in items:
        chosen |= Q(item=item.number, point=answers[item.field])
    counted = PulseTally.objects.filter(meeting=meeting).update(
        count=F("count") + Case(When(chosen, then=Value(1)), default=Value(0))
    )
    if not counted:
        PulseTally.objects.bulk_create(pulse.tallies(meeting, [answers], items))
