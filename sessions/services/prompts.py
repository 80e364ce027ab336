"""A facilitator's decisions on inaction prompts: raised at a meeting, or dismissed with a
note. Neither is written to the audit log, which the programme's admins read: prompts and
notes are for the set's facilitators only (docs/confidentiality.md#who-sees-what)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alsspace.models import User
from sessions.models import InactionPrompt, Meeting


def _locked_open(prompt: InactionPrompt) -> InactionPrompt:
    locked = (
        InactionPrompt.objects.select_for_update().select_related("learning_set").get(pk=prompt.pk)
    )
    if locked.learning_set.is_closed:
        raise ValidationError(
            _("%(set)s is closed, so its prompts stay as they are.") % {"set": locked.learning_set}
        )
    if not locked.is_open:
        raise ValidationError(
            _("This prompt is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _close(
    prompt: InactionPrompt, status: str, *, note: str, by: User, now: datetime | None
) -> InactionPrompt:
    prompt.status = status
    prompt.facilitator_note = note.strip()
    prompt.closed_by = by
    prompt.closed_at = now or timezone.now()
    prompt.save()
    return prompt


@transaction.atomic
def raise_prompt(
    prompt: InactionPrompt,
    *,
    meeting: Meeting,
    note: str = "",
    by: User,
    now: datetime | None = None,
) -> InactionPrompt:
    locked = _locked_open(prompt)
    if meeting.learning_set_id != locked.learning_set_id:
        raise ValidationError(_("Choose one of this set's meetings."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("That meeting was cancelled; choose the one where you raised it."))
    locked.raised_at_meeting = meeting
    return _close(locked, InactionPrompt.Status.RAISED, note=note, by=by, now=now)


@transaction.atomic
def dismiss_prompt(
    prompt: InactionPrompt, *, note: str, by: User, now: datetime | None = None
) -> InactionPrompt:
    if not note.strip():
        raise ValidationError(_("Say in a few words why you are dismissing this prompt."))
    locked = _locked_open(prompt)
    return _close(locked, InactionPrompt.Status.DISMISSED, note=note, by=by, now=now)
