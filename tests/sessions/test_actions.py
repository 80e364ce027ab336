"""Actions agreed on the meeting page, and report-backs on earlier ones."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from sessions.views.mixins import CONFLICT
from tests.sessions.factories import MeetingFactory, days_from_now


@pytest.fixture(autouse=True)
def facilitating(client, world):
    client.force_login(world.facilitator)


@pytest.fixture
def next_meeting(world):
    return MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(35))


@pytest.fixture
def earlier(world):
    return MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )


@pytest.fixture
def open_action(world, earlier, live_meeting):
    """Maya's action from the last meeting; she is present at this one."""
    Attendance.objects.create(meeting=live_meeting, user=world.member, status="present")
    return Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=live_meeting,
        text="Ask the CFO for the real numbers",
    )


def commit(post_panel, meeting, owner, **data):
    return post_panel(
        "meeting_actions",
        meeting,
        op="add",
        owner=owner.pk,
        **{"text": "Map who gains from the delay", "due": "next", **data},
    )


def report(post_panel, meeting, action, outcome, note="", **extra):
    return post_panel(
        "meeting_report_backs", meeting, action=action.pk, outcome=outcome, note=note, **extra
    )


# Committing actions


def test_an_action_is_due_at_the_next_meeting_by_default(
    world, live_meeting, next_meeting, post_panel
):
    slot = AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member)
    assert commit(post_panel, live_meeting, world.member).status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.committed_at, action.learning_set) == (
        world.member,
        live_meeting,
        world.learning_set,
    )
    assert (action.due_meeting, action.due_on, action.slot) == (next_meeting, None, slot)
    assert (action.status, action.carry_count) == ("open", 0)


def test_an_action_can_be_due_by_a_date(world, live_meeting, post_panel):
    due = timezone.now().date() + timedelta(days=10)
    commit(post_panel, live_meeting, world.member, due="date", due_on=due.isoformat())
    action = Action.objects.get()
    assert (action.due_on, action.due_meeting) == (due, None)


def test_with_no_next_meeting_yet_the_action_waits_for_one(world, live_meeting, post_panel):
    response = commit(post_panel, live_meeting, world.member, htmx=True)
    assert Action.objects.get().due_meeting is None
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card mb-4" id="actions-panel"')
    assert "Due at the next meeting, once it is scheduled" in body


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_an_action_needs_sensible_text(world, live_meeting, post_panel, text):
    response = commit(post_panel, live_meeting, world.member, text=text)
    assert response.status_code == 400
    assert not Action.objects.exists()


@pytest.mark.parametrize("person", ["facilitator", "former", "other_member", "outsider"])
def test_an_action_belongs_to_a_member_of_the_set(world, live_meeting, post_panel, person):
    response = commit(post_panel, live_meeting, getattr(world, person))
    assert response.status_code == 400
    assert "An action belongs to a member of this set." in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        ("", "Give the date the action is due by."),
        ("2001-01-01", "cannot be before the meeting"),
        ("2090-01-01", "within three years"),
        ("9999-12-31", "between 1 January 2000 and 31 December 2100, not 9999-12-31"),
        ("31/02/2026", "Enter a date as year-month-day"),
    ],
)
def test_a_due_date_must_make_sense(world, live_meeting, post_panel, due_on, message):
    response = commit(post_panel, live_meeting, world.member, due="date", due_on=due_on)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_a_refused_action_keeps_its_text_with_htmx(world, live_meeting, post_panel):
    response = commit(
        post_panel, live_meeting, world.member, htmx=True, due="date", due_on="", text="Kept text"
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#actions-panel"
    assert "Kept text" in response.content.decode()


def test_a_stale_action_form_is_refused(world, live_meeting, post_panel):
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=4)
    response = commit(post_panel, live_meeting, world.member, htmx=True, revision=3)
    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    assert "Map who gains from the delay" in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_recorded_by_mistake_is_removed(world, live_meeting, post_panel):
    commit(post_panel, live_meeting, world.member)
    action = Action.objects.get()
    response = post_panel("meeting_actions", live_meeting, op="remove", action=action.pk)
    assert response.status_code == 302
    assert not Action.objects.exists()


def test_an_action_from_another_meeting_cannot_be_removed_here(
    world, live_meeting, open_action, post_panel
):
    response = post_panel("meeting_actions", live_meeting, op="remove", action=open_action.pk)
    assert response.status_code == 400
    assert Action.objects.filter(pk=open_action.pk).exists()


def test_an_action_reported_on_stays(world, live_meeting, next_meeting, post_panel):
    commit(post_panel, live_meeting, world.member)
    action = Action.objects.get()
    ReportBack.objects.create(action=action, meeting=next_meeting, outcome="done")
    response = post_panel("meeting_actions", live_meeting, op="remove", action=action.pk)
    assert response.status_code == 400
    assert "stays on the record" in response.content.decode()
    assert Action.objects.filter(pk=action.pk).exists()


# Report-backs


def test_the_page_lists_open_actions_of_those_present(client, world, live_meeting, open_action):
    absent_action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.pending,
        committed_at=open_action.committed_at,
        text="Pat's action, Pat is away",
    )
    Attendance.objects.create(meeting=live_meeting, user=world.pending, status="apologies")
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert f'id="report-back-{open_action.pk}"' in body
    assert f'id="report-back-{absent_action.pk}"' not in body


@pytest.mark.parametrize(
    ("outcome", "status", "carry_count"),
    [
        ("done", "done", 0),
        ("dropped", "dropped", 0),
        ("carried", "open", 1),
        ("partly", "open", 0),
        ("not_done", "open", 0),
    ],
)
def test_a_report_back_acts_on_its_action(
    world, live_meeting, next_meeting, open_action, post_panel, outcome, status, carry_count
):
    response = report(post_panel, live_meeting, open_action, outcome, note="  Learned a lot  ")
    assert response.status_code == 302
    open_action.refresh_from_db()
    assert (open_action.status, open_action.carry_count) == (status, carry_count)
    saved = ReportBack.objects.get(action=open_action, meeting=live_meeting)
    assert (saved.outcome, saved.note, saved.written_by) == (
        outcome,
        "Learned a lot",
        world.facilitator,
    )
    # Carried forward: due at the next meeting. Partly or not done: due where it was.
    expected_due = next_meeting if outcome == "carried" else live_meeting
    assert open_action.due_meeting == expected_due


def test_carrying_again_at_the_next_meeting_counts_again(
    world, live_meeting, next_meeting, open_action, post_panel
):
    report(post_panel, live_meeting, open_action, "carried")
    Meeting.objects.filter(pk=live_meeting.pk).update(status="held")
    Meeting.objects.filter(pk=next_meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    Attendance.objects.create(meeting=next_meeting, user=world.member, status="late")
    report(post_panel, next_meeting, open_action, "carried")
    open_action.refresh_from_db()
    assert (open_action.carry_count, open_action.status) == (2, "open")


def test_rewriting_a_report_back_undoes_the_earlier_outcome(
    world, live_meeting, next_meeting, open_action, post_panel
):
    report(post_panel, live_meeting, open_action, "carried")
    report(post_panel, live_meeting, open_action, "done", note="Did it after all")
    open_action.refresh_from_db()
    assert (open_action.status, open_action.carry_count) == ("done", 0)
    assert open_action.due_meeting == live_meeting
    assert ReportBack.objects.filter(action=open_action).count() == 1
    report(post_panel, live_meeting, open_action, "partly")
    open_action.refresh_from_db()
    assert (open_action.status, open_action.carry_count) == ("open", 0)


def test_with_htmx_the_answer_is_the_report_back_row(world, live_meeting, open_action, post_panel):
    response = report(post_panel, live_meeting, open_action, "done", htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(
        f'<li class="list-group-item px-0 py-3" id="report-back-{open_action.pk}"'
    )
    assert "Saved as “done”" in body
    assert "<h1" not in body


@pytest.mark.parametrize("outcome", ["", "finished", "DONE"])
def test_an_unknown_outcome_is_refused(world, live_meeting, open_action, post_panel, outcome):
    response = report(post_panel, live_meeting, open_action, outcome)
    assert response.status_code == 400
    assert "Choose done, partly done, not done, carried forward or dropped." in (
        response.content.decode()
    )
    assert not ReportBack.objects.exists()


def test_an_absent_members_action_is_not_reported_here(world, live_meeting, earlier, post_panel):
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.pending,
        committed_at=earlier,
        text="Pat's action",
    )
    response = report(post_panel, live_meeting, action, "done")
    assert response.status_code == 400
    assert "not one to report on at this meeting" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "open"


def test_another_sets_action_is_not_reported_here(world, live_meeting, post_panel):
    elsewhere = MeetingFactory(learning_set=world.other_set, starts_at=days_from_now(-28))
    action = Action.objects.create(
        learning_set=world.other_set,
        owner=world.other_member,
        committed_at=elsewhere,
        text="Beta's business",
    )
    assert report(post_panel, live_meeting, action, "dropped").status_code == 400
    action.refresh_from_db()
    assert action.status == "open"


def test_a_report_back_overtaken_by_a_later_meeting_stays(
    world, live_meeting, next_meeting, open_action, post_panel
):
    ReportBack.objects.create(action=open_action, meeting=live_meeting, outcome="carried")
    ReportBack.objects.create(action=open_action, meeting=next_meeting, outcome="partly")
    response = report(post_panel, live_meeting, open_action, "dropped")
    assert response.status_code == 400
    assert ReportBack.objects.get(action=open_action, meeting=live_meeting).outcome == "carried"


def test_an_owners_own_report_back_is_shown_ready_to_confirm(
    client, world, live_meeting, open_action
):
    ReportBack.objects.create(
        action=open_action,
        meeting=live_meeting,
        outcome="partly",
        note="Got halfway",
        author=world.member,
        written_by=world.member,
    )
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert "Written by Maya" in body
    assert f'value="partly" id="outcome-{open_action.pk}-partly" autocomplete="off" checked' in body
    assert "Got halfway" in body


def test_a_stale_report_back_is_refused(world, live_meeting, open_action, post_panel):
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=2)
    response = report(post_panel, live_meeting, open_action, "done", revision=1, htmx=True)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#report-backs-panel"
    open_action.refresh_from_db()
    assert open_action.status == "open"
    assert not ReportBack.objects.exists()


def test_a_facilitator_may_correct_the_record_after_the_meeting_is_held(
    world, live_meeting, open_action, post_panel
):
    Meeting.objects.filter(pk=live_meeting.pk).update(status="held")
    assert report(post_panel, live_meeting, open_action, "done").status_code == 302
    open_action.refresh_from_db()
    assert open_action.status == "done"


def test_due_dates_are_read_in_the_programmes_time_zone(world, post_panel):
    """A meeting at 23:30 UTC on 1 March is on 2 March in Auckland."""
    world.programme.time_zone = "Pacific/Auckland"
    world.programme.save()
    starts_at = timezone.now().replace(hour=23, minute=30) - timedelta(days=1)
    meeting = MeetingFactory(learning_set=world.learning_set, starts_at=starts_at)
    local_day = starts_at.astimezone(ZoneInfo("Pacific/Auckland")).date()
    day_before = local_day - timedelta(days=1)
    response = commit(post_panel, meeting, world.member, due="date", due_on=str(day_before))
    assert response.status_code == 400
    response = commit(post_panel, meeting, world.member, due="date", due_on=str(local_day))
    assert response.status_code == 302
    assert Action.objects.get().due_on == local_day
