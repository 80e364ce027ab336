"""The demo's process reviews the set owns: Set Aurora's members and facilitator added to
the review of each of its held meetings, and "let the presenter finish before asking" comes
back meeting after meeting, as a facilitator would notice on the dashboard. Safe to run
again: a meeting whose review has contributions is left alone."""

from django.db import transaction

from sessions.models import Meeting, ReviewContribution
from sets.management.commands.seed_demo import DEMO_DOMAIN, PROGRAMME_NAME

# For each of Set Aurora's held meetings, earliest first: (who, how we worked, what we will
# do differently), people named by the local part of their demo address.
AURORA_REVIEWS = [
    [
        (
            "member.aurora",
            "Good, searching questions on the merger. We drifted into advice in the last "
            "half hour.",
            "Let the presenter finish before the first question.",
        ),
        (
            "tom.gallagher",
            "It felt safe to say the budget numbers out loud.",
            "Keep to time: the last presenter was squeezed.",
        ),
        (
            "facilitator.aurora",
            "A strong first meeting. The set is still finding its questioning voice.",
            "",
        ),
    ],
    [
        (
            "aisha.rahman",
            "Sharper questions. I noticed we rescued David when he got stuck.",
            "Sit with the silence instead of rescuing.",
        ),
        (
            "member.aurora",
            "We interrupted each other less, but still jumped in early.",
            "Let the presenter finish before the first question.",
        ),
        (
            "david.osei",
            "The report-backs were honest. Mine was uncomfortable and useful.",
            "",
        ),
    ],
    [
        (
            "claire.morgan",
            "Back after a month away: the set is braver than it was.",
            "Name it when we slip into advice.",
        ),
        (
            "member.aurora",
            "Better. We let Tom finish and his question to himself was the best of the day.",
            "Let the presenter finish, every time.",
        ),
        (
            "tom.gallagher",
            "Quieter members spoke more when the facilitator paused.",
            "Ask the quietest member first at check-in.",
        ),
    ],
]


@transaction.atomic
def seed_demo_reviews():
    """Add Set Aurora's review contributions; the names of the sets given them."""
    meetings = list(
        Meeting.objects.filter(
            learning_set__programme__name=PROGRAMME_NAME,
            learning_set__name="Set Aurora",
            status=Meeting.Status.HELD,
        )
        .select_related("learning_set")
        .order_by("starts_at")
    )
    if not meetings or ReviewContribution.objects.filter(meeting__in=meetings).exists():
        return []
    people = {
        m.user.email.split("@")[0]: m.user
        for m in meetings[0].learning_set.memberships.select_related("user")
        if m.user.email.endswith(f"@{DEMO_DOMAIN}")
    }
    for meeting, contributions in zip(meetings, AURORA_REVIEWS, strict=False):
        for who, how, differently in contributions:
            ReviewContribution.objects.create(
                meeting=meeting,
                author=people[who],
                how_we_worked=how,
                do_differently=differently,
            )
    return ["Set Aurora"]
