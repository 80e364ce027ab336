"""Bids for airtime, and turning them into the meeting's airtime
(docs/product.md#bids-and-the-presenters-framing).

Members bring, change and withdraw their own bids until the meeting starts; each of those
moves the meeting's revision on, as their apologies do, so a facilitator's out-of-date form
cannot act on a bid that changed. The facilitator's writes (ordering the bids, turning them
into airtime) claim the revision their form was rendered at (sessions.services.running).

How the set shares its time follows its airtime mode:
- equal time: the time available for airtime is split evenly among the members present, in
  whole minutes; a member with several bids has their share split between them, and a member
  present without a bid gets a slot of their share after those who bid;
- bids: each bid gets the minutes it asked for, and the page shows their total against the
  meeting's length.
Either way bids come in the facilitator's order, and the slots carry each presenter's framing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from alsspace.models import User
from sessions import queries
from sessions.models import AirtimeSlot, Attendance, Bid, Meeting, Want
from sessions.services.running import (
    MAX_PLANNED_MINUTES,
    _bump,
    _check_member,
    _check_not_held,
    _check_open_set,
    _claim,
)
from sets.models import LearningSet

PROBLEM_MAX = 2000


@dataclass(frozen=True)
class PlannedSlot:
    """A slot the bids become: whose, how long, and the bid it comes from (if any)."""

    presenter_id: int
    minutes: int
    bid_id: int | None = None


def equal_shares(
    bids: list[tuple[int, int]], present: list[int], available_minutes: int
) -> list[PlannedSlot]:
    """Equal time: `available_minutes` split evenly among the `present` members, given the
    bids as (bid id, member id) in the facilitator's order. Bids of members not present are
    left out; a member's share is split between their bids; members present without a bid
    follow, in the order given. Every slot has at least one minute."""
    if not present:
        return []
    share = max(1, available_minutes // len(present))
    here = set(present)
    counts: dict[int, int] = {}
    for _, member in bids:
        if member in here:
            counts[member] = counts.get(member, 0) + 1
    planned = [
        PlannedSlot(member, max(1, share // counts[member]), bid)
        for bid, member in bids
        if member in here
    ]
    planned += [PlannedSlot(member, share) for member in present if member not in counts]
    return planned


def asked_time(bids: list[tuple[int, int, int]], present: list[int] | None) -> list[PlannedSlot]:
    """Bids: each bid, given as (bid id, member id, minutes asked) in the facilitator's
    order, gets the minutes it asked for. When `present` is known, bids of members not
    present are left out."""
    return [
        PlannedSlot(member, minutes, bid)
        for bid, member, minutes in bids
        if present is None or member in present
    ]


def total_asked(bids: list[Bid]) -> int:
    return sum(bid.minutes for bid in bids)


# Members' own bids


def _check_bidding_open(meeting: Meeting, now: datetime) -> None:
    """Bids are brought, changed and withdrawn until a scheduled meeting starts."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open_set(meeting)
    if current.status != Meeting.Status.SCHEDULED:
        if current.status == Meeting.Status.HELD:
            raise ValidationError(gettext("This meeting is held, so it takes no bids."))
        raise ValidationError(gettext("This meeting is cancelled, so it takes no bids."))
    if current.starts_at <= now:
        raise ValidationError(
            gettext(
                "This meeting has started, so bids can no longer change. Tell the set at the "
                "meeting instead."
            )
        )


def _clean(problem: str, want: str, minutes: int) -> str:
    problem = problem.strip()
    if not problem:
        raise ValidationError(gettext("Write a few lines on the problem you want to bring."))
    if len(problem) > PROBLEM_MAX:
        raise ValidationError(
            gettext("Keep the problem to %(max)d characters.") % {"max": PROBLEM_MAX}
        )
    if want not in Want.values:
        raise ValidationError(
            gettext(
                "Choose what you want from the set: questions, a sounding board or a check on "
                "an action."
            )
        )
    if not 1 <= minutes <= MAX_PLANNED_MINUTES:
        raise ValidationError(
            gettext("Ask for 1 to %(max)d minutes.") % {"max": MAX_PLANNED_MINUTES}
        )
    return problem


def _own_bid(meeting: Meeting, bid: Bid, actor: User) -> Bid:
    current = meeting.bids.select_for_update().filter(pk=bid.pk).first()
    if current is None:
        raise ValidationError(gettext("That bid has been withdrawn."))
    if current.member_id != actor.pk:
        raise ValidationError(
            gettext("Only the member who brought a bid can change or withdraw it.")
        )
    return current


@transaction.atomic
def bring_bid(
    meeting: Meeting,
    *,
    actor: User,
    problem: str,
    want: str,
    minutes: int,
    now: datetime | None = None,
) -> Bid:
    _check_bidding_open(meeting, now or timezone.now())
    _check_member(
        meeting,
        actor,
        gettext("The person bringing a bid must be a current member of %(set)s."),
    )
    problem = _clean(problem, want, minutes)
    last = meeting.bids.aggregate(last=Max("order"))["last"]
    bid = Bid.objects.create(
        meeting=meeting,
        member=actor,
        problem=problem,
        want=want,
        minutes=minutes,
        order=0 if last is None else last + 1,
    )
    _bump(meeting)
    return bid


@transaction.atomic
def change_bid(
    meeting: Meeting,
    bid: Bid,
    *,
    actor: User,
    problem: str,
    want: str,
    minutes: int,
    now: datetime | None = None,
) -> Bid:
    _check_bidding_open(meeting, now or timezone.now())
    bid = _own_bid(meeting, bid, actor)
    bid.problem = _clean(problem, want, minutes)
    bid.want = want
    bid.minutes = minutes
    bid.save(update_fields=["problem", "want", "minutes", "updated_at"])
    _bump(meeting)
    return bid


@transaction.atomic
def withdraw_bid(meeting: Meeting, bid: Bid, *, actor: User, now: datetime | None = None) -> None:
    _check_bidding_open(meeting, now or timezone.now())
    _own_bid(meeting, bid, actor).delete()
    _bump(meeting)


# The facilitator's order and airtime


@transaction.atomic
def place_bid(meeting: Meeting, bid: Bid, *, position: int, revision: int) -> None:
    """Put the bid at `position` (from 0) in the order; the rest keep theirs around it and
    the order is renumbered from 0. A position past the end is the end."""
    _claim(meeting, revision)
    bids = list(meeting.bids.select_for_update().order_by("order", "pk"))
    moved = next((b for b in bids if b.pk == bid.pk), None)
    if moved is None:
        raise ValidationError(gettext("That bid has been withdrawn."))
    bids.remove(moved)
    bids.insert(max(0, min(position, len(bids))), moved)
    for order, each in enumerate(bids):
        each.order = order
    Bid.objects.bulk_update(bids, ["order"])


def move_bid(meeting: Meeting, bid: Bid, *, up: bool, revision: int) -> None:
    """One place earlier or later in the order."""
    order = list(meeting.bids.order_by("order", "pk").values_list("pk", flat=True))
    index = order.index(bid.pk) if bid.pk in order else 0
    place_bid(meeting, bid, position=max(0, index - 1 if up else index + 1), revision=revision)


def meeting_minutes(meeting: Meeting) -> int:
    return int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)


@transaction.atomic
def bids_to_airtime(
    meeting: Meeting, *, available_minutes: int | None, revision: int
) -> list[AirtimeSlot]:
    """Turn the bids into the meeting's airtime, in the facilitator's order, by the set's
    airtime mode. The slots planned so far are replaced, so this is done before anyone's
    timer has started; each new slot carries its bid's problem as the presenter's framing."""
    _claim(meeting, revision)
    _check_not_held(
        meeting, gettext("This meeting is marked as held, so its airtime stays as recorded.")
    )
    slots = meeting.airtime_slots.select_for_update()
    if any(slot.actual_seconds or slot.timer_started_at for slot in slots):
        raise ValidationError(
            gettext(
                "Airtime has already begun at this meeting, so the bids cannot replace it. Add "
                "or change presenters below instead."
            )
        )
    bids = list(meeting.bids.select_for_update().order_by("order", "pk"))
    members = set(queries.set_members(meeting.learning_set).values_list("pk", flat=True))
    bids = [bid for bid in bids if bid.member_id in members]
    attended = list(
        meeting.attendance.filter(status__in=Attendance.ATTENDED, user__in=members)
        .order_by("user__name", "user__email")
        .values_list("user_id", flat=True)
    )
    present = [pk for pk in attended if pk is not None]
    if meeting.learning_set.airtime_mode == LearningSet.AirtimeMode.EQUAL:
        if not present:
            raise ValidationError(
                gettext(
                    "Equal time is split among the members present: mark who is here in the "
                    "attendance panel first."
                )
            )
        available = available_minutes or meeting_minutes(meeting)
        if not 1 <= available <= 24 * 60:
            raise ValidationError(gettext("The time for airtime is 1 to 1440 minutes."))
        planned = equal_shares([(b.pk, b.member_id) for b in bids], present, available)
    else:
        if not bids:
            raise ValidationError(gettext("Nobody has bid for this meeting yet."))
        planned = asked_time(
            [(b.pk, b.member_id, b.minutes) for b in bids], present if present else None
        )
    if not planned:
        raise ValidationError(gettext("None of the members who bid is marked present."))
    by_pk = {bid.pk: bid for bid in bids}
    slots.delete()
    made = []
    for order, plan in enumerate(planned):
        bid = by_pk.get(plan.bid_id) if plan.bid_id else None
        slot = AirtimeSlot.objects.create(
            meeting=meeting,
            presenter_id=plan.presenter_id,
            order=order,
            planned_minutes=min(plan.minutes, MAX_PLANNED_MINUTES),
            framing=bid.problem if bid else "",
            want=bid.want if bid else "",
        )
        if bid is not None:
            bid.slot = slot
            bid.save(update_fields=["slot"])
        made.append(slot)
    return made
