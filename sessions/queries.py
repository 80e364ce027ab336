"""What a person may list about meetings. Every list starts from one of these."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from alsspace.models import User
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    Bid,
    InactionPrompt,
    Meeting,
    ReportBack,
    ReviewContribution,
    SignalThresholds,
    ValueStory,
)
from sets.models import ClosingReviewEntry, Contract, LearningSet, Programme
from sets.queries import facilitated_sets, member_sets, visible_sets


def signal_thresholds(programme: Programme) -> SignalThresholds:
    """The programme's inaction thresholds, in one query: those its admins saved, or the
    defaults (unsaved) until they first do (docs/signals.md#thresholds)."""
    stored = SignalThresholds.objects.filter(programme=programme.pk).first()
    return stored if stored is not None else SignalThresholds(programme=programme)


def visible_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings whose date, place and status the person may see: those of the sets they
    may see (docs/confidentiality.md#who-sees-what, first row: current participants and the
    programme's admins)."""
    return Meeting.objects.filter(learning_set__in=visible_sets(user)).select_related(
        "learning_set__programme"
    )


def set_meetings(learning_set: LearningSet) -> QuerySet[Meeting]:
    """All of a set's meetings, earliest first."""
    return learning_set.meetings.select_related("series").order_by("starts_at")


def upcoming_set_meetings(
    learning_set: LearningSet, now: datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings not yet over (one in progress counts), earliest first, cancelled included so
    that nobody turns up to one."""
    return set_meetings(learning_set).filter(ends_at__gt=now or timezone.now())


def past_set_meetings(learning_set: LearningSet, now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have ended, latest first."""
    return set_meetings(learning_set).filter(ends_at__lte=now or timezone.now()).reverse()


def current_member_meetings(user: User) -> QuerySet[Meeting]:
    """Every meeting of each set the person belongs to now, as facilitator or member: their
    calendar. Sets they have left drop out."""
    return (
        Meeting.objects.filter(
            learning_set__memberships__user=user, learning_set__memberships__left_at__isnull=True
        )
        .select_related("learning_set__programme")
        .order_by("starts_at")
    )


def upcoming_meetings_for(user: User, now: datetime | None = None) -> QuerySet[Meeting]:
    """The person's scheduled meetings not yet over, across their current sets."""
    return current_member_meetings(user).filter(
        ends_at__gt=now or timezone.now(), status=Meeting.Status.SCHEDULED
    )


def upcoming_meetings_in(
    learning_sets: Iterable[LearningSet], now: datetime, limit: int
) -> list[Meeting]:
    """The first `limit` scheduled meetings not yet over in these sets (a person's current
    sets, already loaded): each set is attached to its meetings rather than joined again."""
    by_pk = {learning_set.pk: learning_set for learning_set in learning_sets}
    meetings = list(
        Meeting.objects.filter(
            learning_set__in=list(by_pk), ends_at__gt=now, status=Meeting.Status.SCHEDULED
        ).order_by("starts_at")[:limit]
    )
    for meeting in meetings:
        meeting.learning_set = by_pk[meeting.learning_set_id]
    return meetings


# The meeting page


def set_members(learning_set: LearningSet | int) -> QuerySet[User]:
    """The set's current members (facilitators aside), by name: whose attendance is taken,
    who presents and who owns actions."""
    return (
        get_user_model()
        .objects.filter(
            memberships__learning_set=learning_set,
            memberships__left_at__isnull=True,
            memberships__role="member",
        )
        .order_by("name", "email")
    )


def meeting_attendance(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendance.filter(user__isnull=False)


def meeting_airtime(meeting: Meeting) -> QuerySet[AirtimeSlot]:
    """The meeting's slots, each with `has_action`: whether an action was agreed in it, so
    that a slot that has one is not offered a close as "learning noted, no action"
    (docs/product.md#learning-noted-no-action)."""
    return (
        meeting.airtime_slots.select_related("presenter", "learning_noted_by")
        .prefetch_related("phases")
        .annotate(has_action=Exists(Action.objects.filter(slot=OuterRef("pk"))))
    )


def meeting_bids(meeting: Meeting) -> QuerySet[Bid]:
    """The bids for the meeting in the facilitator's order: shown only where the set's
    content is (docs/confidentiality.md#who-sees-what)."""
    return meeting.bids.select_related("member").order_by("order", "pk")


def ground_rules(learning_set: LearningSet) -> Contract | None:
    """The set's current contract, whose ground rules the meeting page opens."""
    return learning_set.contracts.order_by("-version").first()


def _report_backs_with_meetings() -> "Prefetch[str, QuerySet[ReportBack], str]":
    """Each action's report-backs with their meetings and value stories. Those meetings are
    joined for their dates and status, so their encrypted process review is left undecrypted
    (as it is wherever a meeting is joined below)."""
    return Prefetch(
        "report_backs",
        queryset=ReportBack.objects.select_related(
            "meeting", "author", "written_by", "value_story"
        ).defer("meeting__process_review"),
    )


def actions_committed_at(meeting: Meeting) -> QuerySet[Action]:
    """Actions agreed at this meeting, each marked with whether it has been reported on."""
    return (
        meeting.actions_committed.select_related("owner", "due_meeting")
        .defer("due_meeting__process_review")
        .annotate(reported=Exists(ReportBack.objects.filter(action=OuterRef("pk"))))
        .order_by("created_at", "pk")
    )


def _set_meetings_before(meeting: Meeting) -> QuerySet[Meeting, Any]:
    """The set's meetings before this one, found through the set's index. An action's
    meetings are its set's, so actions are filtered on these rather than on a join to their
    meeting's start, which PostgreSQL plans as a hash of the whole meetings table."""
    return Meeting.objects.filter(
        learning_set=meeting.learning_set_id, starts_at__lt=meeting.starts_at
    ).values("pk")


def _earlier_open(meeting: Meeting) -> Q:
    return Q(status=Action.Status.OPEN, committed_at__in=_set_meetings_before(meeting))


def _heard_at(meeting: Meeting) -> Q:
    """Which actions `report_back_actions` holds, as a condition on the set's actions."""
    attending = Attendance.objects.filter(meeting=meeting, status__in=Attendance.ATTENDED)
    reported_here = ReportBack.objects.filter(meeting=meeting).values("action")
    return (_earlier_open(meeting) & Q(owner__in=attending.values("user"))) | Q(
        pk__in=reported_here
    )


def report_back_actions(meeting: Meeting) -> QuerySet[Action]:
    """What the set hears about at this meeting: every open action committed at an earlier
    meeting by a member who attends this one, and every action already reported on here
    (such as an owner's own report-back written before the meeting)."""
    return Action.objects.filter(learning_set=meeting.learning_set_id).filter(_heard_at(meeting))


def report_back_agenda(meeting: Meeting) -> QuerySet[Action]:
    """What the meeting page lists under report-backs: `report_back_actions`, and while the
    meeting is still scheduled, the open actions of every current member that are due here
    (carried to it, or due at an earlier meeting and still open), so that the facilitator
    sees at check-in what is coming. Each comes with all its report-backs, from which the
    page tells the one here, earlier ones and whether it was reported on again later."""
    listed = _heard_at(meeting)
    if meeting.status == Meeting.Status.SCHEDULED:
        due_here = Q(due_meeting=meeting) | Q(due_meeting__in=_set_meetings_before(meeting))
        members = set_members(meeting.learning_set_id).values("pk")
        listed |= _earlier_open(meeting) & due_here & Q(owner__in=members)
    return (
        Action.objects.filter(learning_set=meeting.learning_set_id)
        .filter(listed)
        .select_related("owner", "committed_at")
        .defer("committed_at__process_review")
        .prefetch_related(_report_backs_with_meetings())
        .order_by("owner__name", "committed_at__starts_at", "pk")
    )


def next_meeting_after(meeting: Meeting) -> Meeting | None:
    """The set's next scheduled meeting after this one: where an action is due by default."""
    return (
        Meeting.objects.filter(
            learning_set=meeting.learning_set_id,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .order_by("starts_at")
        .first()
    )


# Members' own actions


def visible_actions(user: User) -> QuerySet[Action]:
    """Actions of the sets the person may see: where an action's own pages start from."""
    return Action.objects.filter(learning_set__in=visible_sets(user)).select_related(
        "learning_set__programme", "committed_at", "due_meeting"
    )


def my_actions(user: User) -> QuerySet[Action]:
    """The person's own actions in each set where they are a member under the current
    contract, with their report-backs, earliest committed first."""
    accepted = member_sets(user).filter(accepted_contract=True).values("pk")
    return (
        Action.objects.filter(owner=user, learning_set__in=accepted)
        .select_related("learning_set__programme", "committed_at", "due_meeting")
        .defer("committed_at__process_review", "due_meeting__process_review")
        .prefetch_related(_report_backs_with_meetings())
        .order_by("committed_at__starts_at", "pk")
    )


def upcoming_report_meetings(
    set_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[Meeting]]:
    """Scheduled meetings of these sets that have not ended, earliest first, grouped by set:
    where an owner can still report back."""
    by_set: dict[int, list[Meeting]] = {}
    meetings = Meeting.objects.filter(
        learning_set__in=set_ids,
        status=Meeting.Status.SCHEDULED,
        ends_at__gt=now or timezone.now(),
    ).order_by("starts_at")
    for meeting in meetings:
        by_set.setdefault(meeting.learning_set_id, []).append(meeting)
    return by_set


def report_meeting(
    action: Action, upcoming: dict[int, list[Meeting]] | None = None
) -> Meeting | None:
    """The meeting at which an action's owner reports back: one not yet held where they have
    already reported on it; else, while it is open, the meeting it is due at if that is still
    scheduled, or the set's next scheduled meeting after the one it was committed at. None
    when there is none. Lists pass `upcoming` (from `upcoming_report_meetings`) and prefetch
    report-backs with their meetings, to save queries per action."""
    reported = [
        report.meeting
        for report in action.report_backs.all()
        if report.meeting.status == Meeting.Status.SCHEDULED
    ]
    if reported:
        return reported[-1]
    if action.status != Action.Status.OPEN:
        return None
    due = action.due_meeting if action.due_meeting_id else None
    if due is not None and due.status == Meeting.Status.SCHEDULED:
        return due
    if upcoming is None:
        upcoming = upcoming_report_meetings([action.learning_set_id])
    committed_starts_at = action.committed_at.starts_at
    return next(
        (m for m in upcoming.get(action.learning_set_id, []) if m.starts_at > committed_starts_at),
        None,
    )


# The facilitator's dashboard and inaction prompts


def visible_prompts(user: User) -> QuerySet[InactionPrompt]:
    """Prompts of the sets the person may see; the permission then lets only the set's
    facilitators through (meetings.view_inactionprompt)."""
    return InactionPrompt.objects.filter(learning_set__in=visible_sets(user)).select_related(
        "learning_set__programme", "member"
    )


def open_prompts(learning_set: LearningSet) -> QuerySet[InactionPrompt]:
    """The set's open prompts with their evidence, oldest first, in three queries."""
    return (
        learning_set.inaction_prompts.filter(status=InactionPrompt.Status.OPEN)
        .select_related("member")
        .prefetch_related(
            "evidence_meetings",
            Prefetch("evidence_actions", queryset=Action.objects.select_related("committed_at")),
        )
        .order_by("created_at", "pk")
    )


def handled_prompts(learning_set: LearningSet, limit: int = 10) -> QuerySet[InactionPrompt]:
    """The prompts the facilitators last raised or dismissed, latest first."""
    return (
        learning_set.inaction_prompts.filter(
            status__in=[InactionPrompt.Status.RAISED, InactionPrompt.Status.DISMISSED]
        )
        .select_related("member", "raised_at_meeting", "closed_by")
        .order_by("-closed_at", "-pk")[:limit]
    )


def dashboard_sets(user: User, now: datetime | None = None) -> QuerySet[LearningSet]:
    """The sets the person facilitates now, each with its open prompt count and the start
    of its next scheduled meeting, in one query."""
    upcoming = Meeting.objects.filter(
        learning_set=OuterRef("pk"),
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=now or timezone.now(),
    ).order_by("starts_at")
    return (
        facilitated_sets(user)
        .annotate(
            open_prompt_count=Count(
                "inaction_prompts",
                filter=Q(inaction_prompts__status=InactionPrompt.Status.OPEN),
                distinct=True,
            ),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by("programme__name", "name")
    )


# The process review the set owns


def review_contributions(meeting: Meeting) -> QuerySet[ReviewContribution]:
    """Everyone's contributions to the meeting's process review, in the order they came."""
    return meeting.review_contributions.select_related("author").order_by("created_at", "pk")


def set_review_contributions(learning_set: LearningSet) -> QuerySet[ReviewContribution]:
    """Every contribution to the process reviews of the set's meetings, meeting by meeting."""
    return (
        ReviewContribution.objects.filter(meeting__learning_set=learning_set)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("author", "meeting")
        .order_by("meeting__starts_at", "created_at", "pk")
    )


# Value stories (docs/product.md#value-stories)


def visible_report_backs(user: User) -> QuerySet[ReportBack]:
    """Report-backs of the sets the person may see: where a story's page on one starts from
    (its permission then lets only the action's owner tell it)."""
    return ReportBack.objects.filter(action__learning_set__in=visible_sets(user)).select_related(
        "action__learning_set__programme", "meeting", "value_story"
    )


def visible_closing_entries(user: User) -> QuerySet[ClosingReviewEntry]:
    """Closing review words of the sets the person may see: where a story's page on them
    starts from (its permission then lets only their author tell it)."""
    return ClosingReviewEntry.objects.filter(
        review__learning_set__in=visible_sets(user)
    ).select_related("review__learning_set__programme", "value_story")


def my_value_stories(user: User) -> QuerySet[ValueStory]:
    """The person's own value stories, from every set they have been in, newest first: theirs
    to change and to share or not, also once they have left the set."""
    return (
        ValueStory.objects.filter(author=user)
        .select_related("learning_set__programme", "report_back__meeting", "report_back__action")
        .defer("report_back__meeting__process_review")
        .order_by("-created_at", "-pk")
    )


def set_value_stories(learning_set: LearningSet | int) -> QuerySet[ValueStory]:
    """The set's value stories, read where the report-backs and the closing review they belong
    to are read (docs/confidentiality.md#who-sees-what): a page asks this only for a set whose
    content the reader may see."""
    return ValueStory.objects.filter(learning_set=learning_set).select_related("author")


@dataclass(frozen=True)
class ConsentedStory:
    """A value story as the programme may read it: no id, no link, and the author's name only
    when they chose to be named."""

    text: str
    cycle: str
    cycle_label: str
    cycle_meaning: str
    set_name: str
    author_name: str | None
    consented_at: datetime


def consented_stories(programme: Programme | int) -> list[ConsentedStory]:
    """The programme's value stories whose authors consent, now, to share them with the
    programme, oldest consent first, in one query. A story whose consent is revoked, or
    whose author's account is erased, is not among them from that moment
    (docs/confidentiality.md#value-stories)."""
    shared = [ValueStory.Consent.NAMED, ValueStory.Consent.ANONYMISED]
    stories = (
        ValueStory.objects.filter(
            learning_set__programme=getattr(programme, "pk", programme), consent__in=shared
        )
        .select_related("learning_set", "author")
        .only(
            "text",
            "cycle",
            "consent",
            "consented_at",
            "learning_set__name",
            "author__name",
            "author__email",
        )
        .order_by("consented_at", "pk")
    )
    return [
        ConsentedStory(
            text=story.text,
            cycle=story.cycle,
            cycle_label=str(ValueStory.Cycle(story.cycle).label),
            cycle_meaning=story.cycle_meaning,
            set_name=story.learning_set.name,
            author_name=(story.author.name or story.author.email)
            if story.consent == ValueStory.Consent.NAMED
            else None,
            consented_at=story.consented_at,
        )
        for story in stories
        if story.consented_at is not None
    ]
