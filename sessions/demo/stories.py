"""The demo's value stories (docs/product.md#value-stories): Priya tells one on her report-back
in Set Aurora and shares it with the programme under her name; Grace tells one on her closing
review words in Set Birch and shares it without her name. Safe to run again: a story already
told is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alsspace.audit import record
from sessions.audit_actions import MeetingAction
from sessions.models import ReportBack, ValueStory
from sets.management.commands.seed_demo import DEMO_DOMAIN, PROGRAMME_NAME
from sets.models import ClosingReviewEntry

PRIYA_STORY = (
    "I asked each of my four team leads what they were afraid of losing in the merger instead "
    "of telling them the plan. One said she wanted to leave. We are now planning her move "
    "together, and the other three helped design the new rota."
)
GRACE_STORY = (
    "I used to count a board meeting a success when nothing I brought was challenged. Now I "
    "count it a success when the hard question comes early, and at the last two board "
    "meetings it did."
)


def _priya_report_back():
    return (
        ReportBack.objects.filter(
            action__learning_set__programme__name=PROGRAMME_NAME,
            action__learning_set__name="Set Aurora",
            action__owner__email=f"member.aurora@{DEMO_DOMAIN}",
            outcome=ReportBack.Outcome.DONE,
        )
        .select_related("action__learning_set")
        .order_by("meeting__starts_at", "pk")
        .first()
    )


def _grace_entry():
    return (
        ClosingReviewEntry.objects.filter(
            review__learning_set__programme__name=PROGRAMME_NAME,
            review__learning_set__name="Set Birch",
            author__email=f"grace.liu@{DEMO_DOMAIN}",
        )
        .select_related("review__learning_set", "author")
        .first()
    )


def _shared(story, consented_at):
    """Save the story with its consent, and the audit event its author's choice records."""
    story.consented_at = consented_at
    story.save()
    record(
        MeetingAction.STORY_SHARED,
        actor=story.author,
        subject=story.learning_set.name,
        story=story.pk,
        consent=str(story.consent),
        before=str(ValueStory.Consent.NONE),
    )


@transaction.atomic
def seed_demo_stories(now=None):
    """Tell and share the two stories; the names of the sets given one."""
    now = now or timezone.now()
    told = []
    report_back = _priya_report_back()
    if report_back is not None and not ValueStory.objects.filter(report_back=report_back).exists():
        _shared(
            ValueStory(
                learning_set=report_back.action.learning_set,
                author_id=report_back.action.owner_id,
                report_back=report_back,
                text=PRIYA_STORY,
                cycle=ValueStory.Cycle.APPLIED,
                consent=ValueStory.Consent.NAMED,
            ),
            now - timedelta(days=20),
        )
        told.append(report_back.action.learning_set.name)
    entry = _grace_entry()
    if entry is not None and not ValueStory.objects.filter(closing_entry=entry).exists():
        _shared(
            ValueStory(
                learning_set=entry.review.learning_set,
                author=entry.author,
                closing_entry=entry,
                text=GRACE_STORY,
                cycle=ValueStory.Cycle.REFRAMING,
                consent=ValueStory.Consent.ANONYMISED,
            ),
            now - timedelta(days=2),
        )
        told.append(entry.review.learning_set.name)
    return told
