"""What a person may list. Every journal page starts from one of these, never from `.objects`.

Journal entries are found by their author only; a set's shared reflections by the set, for
those whose standing in the set lets them read its content (checked by the view).
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from alsspace.models import User
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.models import Meeting
from sets.models import LearningSet, Membership
from sets.queries import content_sets


def own_entries(user: User) -> QuerySet[JournalEntry]:
    """The person's own entries: the scope of every page about one entry."""
    return JournalEntry.objects.filter(author=user)


def journal(user: User) -> QuerySet[JournalEntry]:
    return own_entries(user).select_related(
        "learning_set", "meeting__learning_set", "prompt", "shared_with"
    )


def journal_list(user: User) -> QuerySet[JournalEntry]:
    """The journal list: each entry with the few fields of its links that the list shows."""
    return (
        own_entries(user)
        .select_related("learning_set", "meeting", "prompt", "shared_with")
        .only(
            "title",
            "body",
            "created_at",
            "learning_set__name",
            "meeting__starts_at",
            "prompt__question",
            "shared_with__name",
        )
    )


def own_drafts(user: User) -> QuerySet[JournalDraft]:
    return JournalDraft.objects.filter(author=user)


def shared_entries(learning_set: LearningSet) -> QuerySet[JournalEntry]:
    """Entries shared with the set whose authors are still in it: leaving the set takes a
    person's shared reflections with them."""
    still_in_set = Membership.objects.current().filter(
        learning_set=learning_set, user=OuterRef("author")
    )
    return (
        JournalEntry.objects.filter(shared_with=learning_set)
        .filter(Exists(still_in_set))
        .select_related("author")
        .order_by("-shared_at", "-pk")
    )


def content_set_links(user: User) -> QuerySet[LearningSet]:
    """content_sets for a list of links to them: their names only, by name."""
    return content_sets(user).select_related(None).only("name").order_by("name")


def shareable_sets(user: User) -> QuerySet[LearningSet]:
    return content_sets(user).exclude(status=LearningSet.Status.CLOSED).order_by("name")


def participant_sets(user: User) -> QuerySet[LearningSet]:
    """Sets the person is currently in, in any role: what an entry may be linked to."""
    return (
        LearningSet.objects.filter(memberships__user=user, memberships__left_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def linkable_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings to write about: those of the person's current sets, and any their entries
    already name (of a set they have since left), newest first."""
    current = Meeting.objects.filter(learning_set__in=participant_sets(user).values("pk")).exclude(
        status=Meeting.Status.CANCELLED
    )
    named = own_entries(user).filter(meeting__isnull=False).values("meeting")
    return (
        Meeting.objects.filter(Q(pk__in=current.values("pk")) | Q(pk__in=named))
        .select_related("learning_set")
        .order_by("-starts_at")
    )


def library_prompts(idea: str = "") -> QuerySet[Prompt]:
    """The built-in library; only the prompts that speak to `idea` when one is given."""
    prompts = Prompt.objects.filter(learning_set__isnull=True)
    return prompts.filter(idea=idea) if idea else prompts


def visible_prompts(user: User) -> QuerySet[Prompt]:
    """The library, and the prompts of every set whose content the person may read."""
    return Prompt.objects.filter(
        Q(learning_set__isnull=True) | Q(learning_set__in=content_sets(user).values("pk"))
    ).select_related("learning_set", "meeting")


def set_prompts(user: User) -> QuerySet[Prompt]:
    return (
        visible_prompts(user)
        .filter(learning_set__isnull=False)
        .order_by("learning_set__name", "-created_at", "-pk")
    )


def filter_sets(user: User) -> QuerySet[LearningSet]:
    """Sets to filter the journal by: the person's current sets and any their entries name."""
    named = own_entries(user).filter(learning_set__isnull=False).values("learning_set")
    current = participant_sets(user).values("pk")
    return LearningSet.objects.filter(Q(pk__in=named) | Q(pk__in=current)).order_by("name")


def filter_prompts(
    user: User, readable_sets: Collection[LearningSet] | QuerySet[LearningSet, Any] | None = None
) -> QuerySet[Prompt]:
    """Prompts to filter the journal by: those the person may read and any their entries
    were written against. A caller that has already listed the person's content_sets
    passes them as readable_sets, which spares building that query again."""
    if readable_sets is None:
        readable_sets = content_sets(user).values("pk")
    used = own_entries(user).filter(prompt__isnull=False).values("prompt")
    return Prompt.objects.filter(
        Q(pk__in=used) | Q(learning_set__isnull=True) | Q(learning_set__in=readable_sets)
    )


def prompt_choices(prompts: Iterable[Prompt]) -> list[tuple[int, str]]:
    """(pk, question) for a menu: the library first, then each set's, by question. Questions
    are encrypted, so they are sorted here rather than by the database."""

    def order(prompt: Prompt) -> tuple[int, str]:
        return (prompt.learning_set_id or 0, prompt.question.casefold())

    return [(prompt.pk, prompt.question) for prompt in sorted(prompts, key=order)]
