"""A member's own actions across their sets, and their own report-backs before a meeting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Action, Attendance, Meeting, ReportBack
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory, days_from_now

MY_ACTIONS = reverse("meetings:my_actions")


@pytest.fixture
def earlier(world):
    return MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )


@pytest.fixture
def coming(world):
    """The next meeting of Set Alpha, a week ahead."""
    return MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))


@pytest.fixture
def action(world, earlier, coming):
    return Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=coming,
        text="Ask the CFO for the real numbers",
    )


def report_url(action):
    return reverse("meetings:action_report", args=[action.pk])


# My actions


def test_my_actions_lists_open_ones_first_with_their_history(client, world, earlier, action):
    older = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-56), status="held"
    )
    done = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=older,
        status="done",
        text="Book the off-site",
    )
    ReportBack.objects.create(action=done, meeting=earlier, outcome="done", note="Booked it")
    Action.objects.filter(pk=action.pk).update(carry_count=2)
    client.force_login(world.member)
    response = client.get(MY_ACTIONS)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Ask the CFO for the real numbers") < body.index("Book the off-site")
    assert "Carried forward 2 times" in body
    assert "Booked it" in body
    assert "Set Alpha" in body
    assert "Write my report-back" in body


def test_my_actions_has_a_helpful_empty_state(client, world):
    client.force_login(world.outsider)
    response = client.get(MY_ACTIONS)
    assert response.status_code == 200
    assert "No open actions" in response.content.decode()


def test_my_actions_shows_only_my_actions_in_sets_under_the_contract(
    client, world, earlier, action
):
    pending_action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.pending,
        committed_at=earlier,
        text="Pat's action before the new contract",
    )
    client.force_login(world.pending)
    body = client.get(MY_ACTIONS).content.decode()
    assert pending_action.text not in body
    assert action.text not in body
    client.force_login(world.former)
    Action.objects.filter(pk=pending_action.pk).update(owner=world.former)
    assert pending_action.text not in client.get(MY_ACTIONS).content.decode()


def test_my_actions_makes_the_same_number_of_queries_for_1_and_10(client, world, earlier):
    second_set = MembershipFactory(user=world.member).learning_set
    contract = second_set.contracts.create(version=1, text="Ground rules")
    ContractAcceptanceFactory(contract=contract, user=world.member)
    second_earlier = MeetingFactory(learning_set=second_set, starts_at=days_from_now(-14))
    MeetingFactory(learning_set=second_set, starts_at=days_from_now(14))
    client.force_login(world.member)
    counts = []
    for total in (1, 10):
        Action.objects.all().delete()
        for index in range(total):
            meeting = earlier if index % 2 else second_earlier
            made = Action.objects.create(
                learning_set=meeting.learning_set,
                owner=world.member,
                committed_at=meeting,
                status="done" if index % 3 == 0 else "open",
                text=f"Action {index}",
            )
            ReportBack.objects.create(action=made, meeting=meeting, outcome="partly")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MY_ACTIONS).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# Writing one's own report-back


def test_the_owner_writes_a_report_back_before_the_meeting(client, world, action, coming):
    client.force_login(world.member)
    assert client.get(report_url(action)).status_code == 200
    response = client.post(report_url(action), {"outcome": "done", "note": "Got them"})
    assert response.status_code == 302
    assert response["Location"] == MY_ACTIONS
    saved = ReportBack.objects.get(action=action)
    assert (saved.meeting, saved.outcome, saved.note, saved.written_by) == (
        coming,
        "done",
        "Got them",
        world.member,
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert Meeting.objects.get(pk=coming.pk).revision == 1


def test_the_owner_can_change_it_until_the_meeting_is_held(client, world, action, coming):
    client.force_login(world.member)
    client.post(report_url(action), {"outcome": "carried"})
    action.refresh_from_db()
    assert action.carry_count == 1
    # Prefilled, and rewritten in place: still one report-back, for the same meeting.
    assert 'value="carried"  id="id_outcome_3" required checked' in (
        client.get(report_url(action)).content.decode()
    )
    client.post(report_url(action), {"outcome": "partly", "note": "Halfway"})
    action.refresh_from_db()
    assert (action.carry_count, action.status) == (0, "open")
    assert list(ReportBack.objects.values_list("meeting", "outcome")) == [(coming.pk, "partly")]
    Meeting.objects.filter(pk=coming.pk).update(status="held")
    response = client.post(report_url(action), {"outcome": "done"})
    assert response.status_code == 400
    assert ReportBack.objects.get().outcome == "partly"


def test_the_facilitator_sees_the_owners_report_back_on_the_meeting_page(
    client, world, action, coming
):
    client.force_login(world.member)
    client.post(report_url(action), {"outcome": "partly", "note": "Halfway there"})
    Attendance.objects.create(meeting=coming, user=world.member, status="present")
    client.force_login(world.facilitator)
    body = client.get(coming.get_absolute_url()).content.decode()
    assert "Written by Maya" in body
    assert "Halfway there" in body


def test_with_no_meeting_scheduled_there_is_nowhere_to_report_yet(client, world, earlier):
    lonely = Action.objects.create(
        learning_set=world.learning_set, owner=world.member, committed_at=earlier, text="Wait"
    )
    client.force_login(world.member)
    assert "No meeting to report back at yet" in client.get(report_url(lonely)).content.decode()
    response = client.post(report_url(lonely), {"outcome": "done"})
    assert response.status_code == 400
    assert "No meeting is scheduled to report back at yet" in response.content.decode()
    assert not ReportBack.objects.exists()


def test_the_next_meeting_is_used_when_none_is_named(client, world, earlier, coming):
    undated = Action.objects.create(
        learning_set=world.learning_set, owner=world.member, committed_at=earlier, text="Later"
    )
    client.force_login(world.member)
    client.post(report_url(undated), {"outcome": "not_done"})
    assert ReportBack.objects.get(action=undated).meeting == coming


@pytest.mark.parametrize("outcome", ["", "finished"])
def test_an_unknown_outcome_is_refused(client, world, action, outcome):
    client.force_login(world.member)
    response = client.post(report_url(action), {"outcome": outcome})
    assert response.status_code == 400
    assert not ReportBack.objects.exists()


def test_a_note_too_long_is_refused(client, world, action):
    client.force_login(world.member)
    response = client.post(report_url(action), {"outcome": "done", "note": "x" * 2001})
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "open"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 403),
        ("pending", 403),
        ("admin", 403),
        ("former", 404),
        ("other_member", 404),
        ("outsider", 404),
    ],
)
def test_only_the_owner_reports_on_their_action(client, world, action, role, status):
    client.force_login(getattr(world, role))
    assert client.get(report_url(action)).status_code == status
    assert client.post(report_url(action), {"outcome": "dropped"}).status_code == status
    action.refresh_from_db()
    assert action.status == "open"
    assert not ReportBack.objects.exists()


def test_nobody_reports_in_a_closed_set(client, world, action):
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.member)
    assert client.post(report_url(action), {"outcome": "done"}).status_code == 403
