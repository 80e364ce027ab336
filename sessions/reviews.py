"""The process reviews of a set's meetings over time, for its facilitator's dashboard: how
many added to each review, and what the set said it would do differently, meeting by
meeting, so that a theme that comes back is seen coming back. Counting and listing only:
nothing reads meaning into the words."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sessions.models import Meeting, ReviewContribution


@dataclass
class MeetingReview:
    meeting: Meeting
    contributions: int = 0
    # (who, what they said the set will do differently), in the order they were added.
    differently: list[tuple[str, str]] = field(default_factory=list)


def over_time(contributions: Iterable[ReviewContribution]) -> list[MeetingReview]:
    """One row per meeting with contributions, latest meeting first; `contributions` come
    meeting by meeting (sessions.queries.set_review_contributions)."""
    reviews: dict[int, MeetingReview] = {}
    for contribution in contributions:
        review = reviews.setdefault(
            contribution.meeting_id, MeetingReview(meeting=contribution.meeting)
        )
        review.contributions += 1
        if contribution.do_differently:
            author = contribution.author
            review.differently.append((author.name or author.email, contribution.do_differently))
    return sorted(reviews.values(), key=lambda review: review.meeting.starts_at, reverse=True)
