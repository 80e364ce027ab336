"""Demo journals: a few entries for each demo member, one of them shared with their set, and
a prompt from each demo facilitator. Safe to run again: a member who already has entries, or
a set that already has the prompt, is left alone.

Called by `manage.py seed_demo` after the people and sets exist; needs JOURNAL_KEYS.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from reflections.models import Idea, JournalEntry, Prompt
from sets.management.commands.seed_demo import DEMO_DOMAIN
from sets.models import Membership

SET_PROMPT_QUESTION = "Where did you hold back today, and what stopped you?"
SET_PROMPT_GUIDANCE = (
    "Think of a moment in today's meeting when you had a question or a challenge and kept it "
    "to yourself. What would have happened if you had asked it?"
)

PRIVATE_ENTRIES = [
    (
        "vince-avoiding",
        "The conversation I keep postponing",
        """\
I have moved the one-to-one with my deputy three times now. Each time there was a good \
reason: the budget round, the inspection, a sick child. Writing it down, the pattern is \
obvious.

What am I avoiding? Telling someone I hired that the role has outgrown them. If I am honest, \
I am also avoiding admitting that I saw it a year ago.

**Next step:** book the meeting for Thursday and tell the set I have done it.
""",
    ),
    (
        "saga",
        "The restructure announcement",
        """\
## Situation

The announcement went out on Monday. Two team leaders heard it from their staff before \
they heard it from me.

## Assumptions

That the communications team's timetable was the same as mine. That leaders would rather \
hear news once it is final than while it is still moving.

## Gut feelings

Embarrassed, and a little angry, mostly with myself.

## Actions

- Apologise to both team leaders in person this week.
- Agree with communications that leaders hear first, always.
""",
    ),
]

SHARED_ENTRY = (
    None,
    "What changed when I stopped giving advice",
    """\
In the last meeting I noticed how often I reach for a solution before the presenter has \
finished. When I held back and asked *what have you already tried?*, the answer took the \
conversation somewhere none of us expected.

I am taking that question back to my own team meetings. Thank you all for the patience \
while I practised it.
""",
)


def demo_members():
    return (
        Membership.objects.current()
        .filter(role=Membership.Role.MEMBER, user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user", "learning_set")
        .order_by("learning_set__name", "user__name")
    )


def accepted_contract(membership):
    contract = membership.learning_set.contracts.order_by("-version").first()
    return bool(contract and contract.acceptances.filter(user=membership.user).exists())


@transaction.atomic
def seed():
    """Return how many entries were created."""
    library = {prompt.slug: prompt for prompt in Prompt.objects.filter(learning_set=None)}
    now = timezone.now()
    created = 0
    for membership in demo_members():
        user, learning_set = membership.user, membership.learning_set
        if JournalEntry.objects.filter(author=user).exists():
            continue
        for days_ago, (slug, title, body) in zip((40, 12), PRIVATE_ENTRIES, strict=True):
            JournalEntry.objects.create(
                author=user,
                title=title,
                body=body,
                learning_set=learning_set,
                prompt=library.get(slug),
                created_at=now - timedelta(days=days_ago),
            )
            created += 1
        if accepted_contract(membership):
            _, title, body = SHARED_ENTRY
            JournalEntry.objects.create(
                author=user,
                title=title,
                body=body,
                learning_set=learning_set,
                shared_with=learning_set,
                shared_at=now - timedelta(days=3),
                created_at=now - timedelta(days=4),
            )
            created += 1
    seed_set_prompts()
    return created


def seed_set_prompts():
    facilitators = Membership.objects.current().filter(
        role=Membership.Role.FACILITATOR, user__email__endswith=f"@{DEMO_DOMAIN}"
    )
    for membership in facilitators.select_related("user", "learning_set"):
        posed = Prompt.objects.filter(learning_set=membership.learning_set).only("question")
        if any(prompt.question == SET_PROMPT_QUESTION for prompt in posed):
            continue
        Prompt.objects.create(
            learning_set=membership.learning_set,
            question=SET_PROMPT_QUESTION,
            guidance=SET_PROMPT_GUIDANCE,
            idea=Idea.SAFE_ENOUGH,
            posed_by=membership.user,
        )
