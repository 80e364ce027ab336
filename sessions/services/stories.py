"""Value stories (docs/product.md#value-stories): a member tells the difference the set made
on their own report-back or closing review words, and decides, story by story, whether the
programme may read it, named or anonymised, or deletes it. Every consent given, changed or
taken back, and every story deleted, is an audit event that names the story's number and set,
never its text (docs/confidentiality.md#value-stories)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alsspace.audit import record
from alsspace.models import User
from sessions.audit_actions import MeetingAction as Audit
from sessions.models import ReportBack, ValueStory
from sessions.rules import (
    can_change_story,
    can_delete_story,
    can_tell_closing_story,
    can_tell_report_back_story,
)
from sets.models import ClosingReviewEntry

CYCLES = {choice.value for choice in ValueStory.Cycle}
CONSENTS = {choice.value for choice in ValueStory.Consent}


def _checked(text: str, cycle: str, consent: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the story: what difference did the set make, and for whom?"))
    if cycle not in CYCLES:
        raise ValidationError(_("Choose which kind of value the story speaks of."))
    if consent not in CONSENTS:
        raise ValidationError(_("Choose who may read the story."))
    return text


@transaction.atomic
def tell_report_back_story(
    report_back: ReportBack,
    *,
    actor: User,
    text: str,
    cycle: str,
    consent: str,
    ip: str | None = None,
) -> ValueStory:
    """Write or rewrite the story on the actor's own report-back, with who may read it."""
    text = _checked(text, cycle, consent)
    report_back = ReportBack.objects.select_related("action__learning_set").get(pk=report_back.pk)
    if not can_tell_report_back_story(actor, report_back):
        raise ValidationError(
            _(
                "Only the action's owner tells a story on its report-back, while they are in the "
                "set under its current contract and the set is open."
            )
        )
    story = ValueStory.objects.select_for_update().filter(report_back=report_back).first()
    if story is None:
        story = ValueStory(
            report_back=report_back,
            learning_set=report_back.action.learning_set,
            author=actor,
        )
    return _save(story, actor=actor, text=text, cycle=cycle, consent=consent, ip=ip)


@transaction.atomic
def tell_closing_story(
    entry: ClosingReviewEntry,
    *,
    actor: User,
    text: str,
    cycle: str,
    consent: str,
    ip: str | None = None,
) -> ValueStory:
    """Write or rewrite the story on the actor's own closing review words."""
    text = _checked(text, cycle, consent)
    entry = ClosingReviewEntry.objects.select_related("review__learning_set").get(pk=entry.pk)
    if not can_tell_closing_story(actor, entry):
        raise ValidationError(
            _(
                "Only the author of these closing review words tells a story on them, while the "
                "set is open."
            )
        )
    story = ValueStory.objects.select_for_update().filter(closing_entry=entry).first()
    if story is None:
        story = ValueStory(
            closing_entry=entry, learning_set=entry.review.learning_set, author=actor
        )
    return _save(story, actor=actor, text=text, cycle=cycle, consent=consent, ip=ip)


def _save(
    story: ValueStory, *, actor: User, text: str, cycle: str, consent: str, ip: str | None
) -> ValueStory:
    if story.pk is not None and not can_change_story(actor, story):
        raise ValidationError(_("Only its author changes a story, while the set is open."))
    story.text, story.cycle = text, cycle
    before = story.consent
    if consent != before:
        story.consent = consent
        story.consented_at = None if consent == ValueStory.Consent.NONE else timezone.now()
    story.save()
    _audit_consent(story, before=before, actor=actor, ip=ip)
    return story


@transaction.atomic
def share_story(
    story: ValueStory,
    *,
    actor: User,
    consent: str,
    ip: str | None = None,
    now: datetime | None = None,
) -> ValueStory:
    """Give, change or take back the programme's reading of the story. Its author may, at any
    time, also once they have left the set or it has closed; a consent taken back takes the
    story off the programme's reports at once (sessions.queries.consented_stories)."""
    if consent not in CONSENTS:
        raise ValidationError(_("Choose who may read the story."))
    locked = ValueStory.objects.select_for_update().select_related("learning_set").get(pk=story.pk)
    if locked.author_id != actor.pk:
        raise ValidationError(_("Only its author decides who reads a story."))
    before = locked.consent
    if consent == before:
        return locked
    locked.consent = consent
    locked.consented_at = None if consent == ValueStory.Consent.NONE else now or timezone.now()
    locked.save(update_fields=["consent", "consented_at", "updated_at"])
    _audit_consent(locked, before=before, actor=actor, ip=ip)
    return locked


@transaction.atomic
def delete_story(story: ValueStory, *, actor: User, ip: str | None = None) -> str:
    """Delete the story for good: its author may, at any time, also once they have left the set
    or it has closed. A story that was shared leaves the programme's reports at once, since
    sessions.queries.consented_stories reads the stories that exist now. One audit event, like
    a consent's: the set and the story's number and the consent it had, never its text, and
    without the programme (docs/confidentiality.md#value-stories). Returns the set's name."""
    locked = (
        ValueStory.objects.select_for_update(of=("self",))
        .select_related("learning_set")
        .filter(pk=story.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("That value story is already deleted."))
    if not can_delete_story(actor, locked):
        raise ValidationError(_("Only its author deletes a story."))
    number, set_name, consent = locked.pk, locked.learning_set.name, str(locked.consent)
    locked.delete()
    record(
        Audit.STORY_DELETED,
        actor=actor,
        ip=ip,
        subject=set_name,
        story=number,
        consent=consent,
    )
    return set_name


def _audit_consent(story: ValueStory, *, before: str, actor: User, ip: str | None) -> None:
    """One event when the consent changed: its subject the set, its detail the story's number
    and the consent before and after, never the text. It is recorded without the programme,
    so it is not in the programme's audit log: that log names who acted and when, which would
    line an anonymised story on the programme's evaluation report up with its author
    (docs/confidentiality.md#value-stories). Operators read it in the operator admin."""
    after = story.consent
    if after == before:
        return
    if before == ValueStory.Consent.NONE:
        act = Audit.STORY_SHARED
    elif after == ValueStory.Consent.NONE:
        act = Audit.STORY_WITHDRAWN
    else:
        act = Audit.STORY_SHARING_CHANGED
    record(
        act,
        actor=actor,
        ip=ip,
        subject=story.learning_set.name,
        story=story.pk,
        consent=str(after),
        before=str(before),
    )
