"""Nudges (docs/product.md#nudges): the sweep finds each occasion, nudges each person of it
once by email and on their home page, and leaves out the kinds they turned off."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sessions.models import Action, Attendance, Meeting
from sessions.nudging import send_due_nudges
from sessions.services.pulse import answer_pulse
from sessions.services.running import send_apologies
from sessions.services.scheduling import cancel_meeting, change_meeting
from sets import nudges
from sets.models import Nudge
from sets.queries import notices
from sets.tasks import send_nudge
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory

Kind = Nudge.Kind
ACTION_TEXT = "Nudged action: tell the board about the merger"


def sweep(capture, now=None):
    with capture(execute=True):
        return send_due_nudges(now)


def kinds_of(person):
    return sorted(Nudge.objects.filter(person=person).values_list("kind", flat=True))


def emails_to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


@pytest.fixture
def coming(world):
    """Set Alpha's next meeting, in three days, with an action of the member's due there."""
    start = timezone.now() + timedelta(days=3)
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    earlier = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start - timedelta(days=30),
        ends_at=start - timedelta(days=30) + timedelta(hours=4),
        status=Meeting.Status.HELD,
    )
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=meeting,
        text=ACTION_TEXT,
    )
    return meeting


@pytest.fixture
def held(world):
    """A meeting of Set Alpha that ended yesterday, the member and the pending member there."""
    start = timezone.now() - timedelta(days=1, hours=4)
    meeting = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=Meeting.Status.HELD,
    )
    for person in (world.member, world.pending):
        Attendance.objects.create(meeting=meeting, user=person, status="present")
    return meeting


def test_the_next_meeting_nudges_members_under_the_contract_once(
    world, coming, django_capture_on_commit_callbacks
):
    assert sweep(django_capture_on_commit_callbacks) == 2
    assert kinds_of(world.member) == [Kind.ACTIONS_DUE, Kind.BRING_ISSUE]
    for person in (world.pending, world.facilitator, world.former, world.admin):
        assert Kind.BRING_ISSUE not in kinds_of(person)
    assert kinds_of(world.other_member) == []
    sent = emails_to(world.member)
    assert len(sent) == 2
    issue = next(m for m in sent if "Bring an issue" in m.subject)
    assert "You can bring an issue to it" in issue.body
    assert reverse("meetings:meeting", args=[coming.pk]) in issue.body
    assert reverse("sets:notifications") in issue.body
    due = next(m for m in sent if "actions are due" in m.subject)
    # What the member committed to is what the set heard: it never leaves in an email.
    assert ACTION_TEXT not in due.body
    assert reverse("meetings:my_actions") in due.body

    assert sweep(django_capture_on_commit_callbacks) == 0
    assert len(emails_to(world.member)) == 2
    assert Nudge.objects.filter(person=world.member).count() == 2


def test_a_meeting_further_ahead_nudges_nobody_yet(world, django_capture_on_commit_callbacks):
    MeetingFactory(learning_set=world.learning_set)  # in two weeks
    assert sweep(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_pulse_nudges_who_was_there_until_they_answer(
    world, held, client, django_capture_on_commit_callbacks
):
    sweep(django_capture_on_commit_callbacks)
    # The pending member was there, but answers no pulse before accepting the contract.
    assert kinds_of(world.member) == [Kind.PULSE_OPEN]
    assert Kind.PULSE_OPEN not in kinds_of(world.pending)
    (email,) = emails_to(world.member)
    assert "The pulse is open" in email.subject
    assert reverse("meetings:pulse", args=[held.pk]) in email.body

    client.force_login(world.member)
    assert "The pulse for the meeting you attended is open" in client.get("/").content.decode()
    answer_pulse(held, world.member, {f"item_{n}": 4 for n in range(1, 8)})
    assert notices(world.member, timezone.now()) == []
    assert "The pulse for the meeting" not in client.get("/").content.decode()


def test_no_pulse_nudge_once_it_has_closed(world, held, django_capture_on_commit_callbacks):
    sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=8))
    assert not Nudge.objects.filter(kind=Kind.PULSE_OPEN).exists()


def test_the_contract_is_chased_after_a_day_and_settled_by_accepting(
    world, client, django_capture_on_commit_callbacks
):
    assert sweep(django_capture_on_commit_callbacks) == 0  # they joined a moment ago
    later = timezone.now() + timedelta(days=2)
    # Pat in Set Alpha, and Olive, who has not accepted Set Beta's.
    assert sweep(django_capture_on_commit_callbacks, later) == 2
    assert kinds_of(world.pending) == [Kind.CONTRACT_WAITING]
    (email,) = emails_to(world.pending)
    assert "contract waits for you" in email.subject
    assert "whatever you choose" in email.body

    client.force_login(world.pending)
    response = client.post(reverse("sets:contract", args=[world.learning_set.pk]), {"version": 1})
    assert response.status_code == 302
    assert notices(world.pending, timezone.now()) == []
    assert sweep(django_capture_on_commit_callbacks, later) == 0


def test_a_new_contract_version_is_a_new_occasion(world, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(days=2)
    sweep(django_capture_on_commit_callbacks, later)
    version_2 = world.learning_set.contracts.create(version=2, text="New rules.")
    version_2.created_at = timezone.now() - timedelta(days=2)
    version_2.save()
    sweep(django_capture_on_commit_callbacks, later)
    # Members who had accepted version 1 are asked again; the old request is not shown.
    assert kinds_of(world.member) == [Kind.CONTRACT_WAITING]
    shown = notices(world.pending, timezone.now())
    assert [n.occasion for n in shown] == [version_2.pk]


def test_a_kind_turned_off_is_neither_written_nor_emailed(
    world, coming, django_capture_on_commit_callbacks
):
    nudges.choose_kinds(world.member, [Kind.ACTIONS_DUE])
    sweep(django_capture_on_commit_callbacks)
    assert kinds_of(world.member) == [Kind.ACTIONS_DUE]
    assert [m.subject for m in emails_to(world.member) if "Bring an issue" in m.subject] == []


def test_the_contract_cannot_be_turned_off(world, django_capture_on_commit_callbacks):
    nudges.choose_kinds(world.pending, [])
    sweep(django_capture_on_commit_callbacks, timezone.now() + timedelta(days=2))
    assert kinds_of(world.pending) == [Kind.CONTRACT_WAITING]
    assert len(emails_to(world.pending)) == 1


def test_an_email_waiting_when_its_kind_is_turned_off_is_not_sent(world, coming):
    nudge = nudges.nudge(
        world.member, world.learning_set, Kind.BRING_ISSUE, coming.pk, link="/", off=set()
    )
    nudges.choose_kinds(world.member, [])
    send_nudge.call(nudge.pk)
    assert mail.outbox == []
    assert notices(world.member, timezone.now()) == []


def test_an_email_is_sent_once_however_often_its_task_runs(world, coming):
    nudge = nudges.nudge(
        world.member, world.learning_set, Kind.BRING_ISSUE, coming.pk, link="/", off=set()
    )
    send_nudge.call(nudge.pk)
    send_nudge.call(nudge.pk)
    assert len(mail.outbox) == 1
    nudge.refresh_from_db()
    assert nudge.emailed_at is not None


def test_a_cancelled_meeting_settles_its_nudges_and_a_move_updates_them(
    world, coming, django_capture_on_commit_callbacks
):
    sweep(django_capture_on_commit_callbacks)
    later = coming.starts_at + timedelta(days=1)
    change_meeting(
        coming,
        starts_at=later,
        ends_at=later + timedelta(hours=4),
        place=coming.place,
        video_link=coming.video_link,
    )
    assert {n.ends_at for n in notices(world.member, timezone.now())} == {later}
    cancel_meeting(coming)
    assert notices(world.member, timezone.now()) == []


def test_people_who_left_or_sets_that_closed_are_not_nudged(
    world, coming, django_capture_on_commit_callbacks
):
    world.learning_set.status = "closed"
    world.learning_set.save()
    assert sweep(django_capture_on_commit_callbacks) == 0


def test_the_reminder_sweep_queues_the_nudges(world, coming, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    assert "Nudges queued: 2." in out.getvalue()
    assert len(emails_to(world.member)) == 2


def test_a_newcomer_under_the_contract_is_nudged_too(
    world, coming, django_capture_on_commit_callbacks
):
    newcomer = MembershipFactory(learning_set=world.learning_set).user
    ContractAcceptanceFactory(contract=world.contract, user=newcomer)
    sweep(django_capture_on_commit_callbacks)
    assert kinds_of(newcomer) == [Kind.BRING_ISSUE]


def test_who_sent_apologies_brings_no_issue_but_still_owes_actions(
    world, coming, django_capture_on_commit_callbacks
):
    Attendance.objects.create(
        meeting=coming, user=world.member, status="apologies", apologies_sent_at=timezone.now()
    )
    sweep(django_capture_on_commit_callbacks)
    assert kinds_of(world.member) == [Kind.ACTIONS_DUE]


def test_sending_apologies_after_the_nudge_settles_it_and_only_it(
    world, coming, django_capture_on_commit_callbacks
):
    sweep(django_capture_on_commit_callbacks)
    assert sorted(n.kind for n in notices(world.member, timezone.now())) == [
        Kind.ACTIONS_DUE,
        Kind.BRING_ISSUE,
    ]
    send_apologies(coming, world.member)
    # Not coming, they bring no issue; what they committed to is still due.
    assert [n.kind for n in notices(world.member, timezone.now())] == [Kind.ACTIONS_DUE]
    assert Nudge.objects.get(person=world.member, kind=Kind.BRING_ISSUE).dismissed_at
