"""The demo's nudges (docs/product.md#nudges): the notices each demo member would have on
their home page, as the sweep would write them once the set's next meeting is near.

The demo's next meeting can be weeks away, so they are written here directly rather than by
the sweep, and none is emailed. Safe to run again: a nudge already there is left alone.
"""

from django.urls import reverse

from sessions.models import Action, Attendance, Meeting
from sets.management.commands.seed_demo import PROGRAMME_NAME
from sets.models import LearningSet, Nudge
from sets.queries import members_with_contract_state

Kind = Nudge.Kind


def _nudge(membership, kind, occasion, link, at=None):
    Nudge.objects.get_or_create(
        person=membership.user,
        kind=kind,
        occasion=occasion,
        defaults={
            "learning_set": membership.learning_set,
            "link": link,
            "occasion_at": at,
            "ends_at": at,
        },
    )


def seed_demo_nudges():
    """For each demo set: its members under the contract may bring an issue to the next
    meeting (those who sent apologies aside), those with actions due there are reminded,
    and those who have not accepted the contract are asked to."""
    demo_sets = LearningSet.objects.filter(programme__name=PROGRAMME_NAME)
    for m in members_with_contract_state(demo_sets):
        if m.contract_id and not m.accepted:
            link = reverse("sets:contract", args=[m.learning_set_id])
            _nudge(m, Kind.CONTRACT_WAITING, m.contract_id, link)
            continue
        following = (
            Meeting.objects.filter(learning_set=m.learning_set, status=Meeting.Status.SCHEDULED)
            .order_by("starts_at")
            .first()
        )
        if following is None:
            continue
        at = following.starts_at
        away = Attendance.objects.filter(
            meeting=following, user=m.user, status=Attendance.Status.APOLOGIES
        ).exists()
        if not away:
            link = reverse("meetings:meeting", args=[following.pk])
            _nudge(m, Kind.BRING_ISSUE, following.pk, link, at)
        if Action.objects.filter(
            owner=m.user, due_meeting=following, status=Action.Status.OPEN
        ).exists():
            _nudge(m, Kind.ACTIONS_DUE, following.pk, reverse("meetings:my_actions"), at)
