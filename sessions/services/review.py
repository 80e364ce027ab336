"""The process review the set owns: what each person adds after a meeting.

The facilitator's own note on the meeting (`Meeting.process_review`, saved from the meeting
page by sessions.services.running) is separate and stays theirs.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from alsspace.models import User
from sessions.models import Meeting, ReviewContribution
from sessions.rules import can_contribute_to_review


@transaction.atomic
def save_review_contribution(
    meeting: Meeting, *, actor: User, how_we_worked: str, do_differently: str
) -> ReviewContribution | None:
    """Add to, change or (with both parts left empty) take back the actor's contribution to
    the meeting's process review. Returns None when it was taken back."""
    meeting = Meeting.objects.select_for_update().select_related("learning_set").get(pk=meeting.pk)
    if not can_contribute_to_review(actor, meeting):
        raise ValidationError(
            gettext(
                "This meeting’s review is not open to you: it opens once the meeting starts, "
                "and closes with the set."
            )
        )
    how_we_worked, do_differently = how_we_worked.strip(), do_differently.strip()
    existing = ReviewContribution.objects.filter(meeting=meeting, author=actor).first()
    if not (how_we_worked or do_differently):
        if existing is None:
            raise ValidationError(
                gettext("Write how the set worked today, or what it will do differently, or both.")
            )
        existing.delete()
        return None
    if existing is None:
        return ReviewContribution.objects.create(
            meeting=meeting,
            author=actor,
            how_we_worked=how_we_worked,
            do_differently=do_differently,
        )
    existing.how_we_worked = how_we_worked
    existing.do_differently = do_differently
    existing.save(update_fields=["how_we_worked", "do_differently", "updated_at"])
    return existing
