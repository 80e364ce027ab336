"""The meeting page: who sees what, its fragments, conflicts, the review and marking it held."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.models import Action, AirtimeSlot, Attendance, Meeting, ReportBack
from sessions.views.mixins import CONFLICT
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory, days_from_now

TOPIC = "Topic: the Hartley merger nobody outside may hear of"
EARLIER_ACTION = "Action: confront the CFO about the Hartley numbers"
NEW_ACTION = "Action: ask the board for the restructuring timeline"
NOTE = "Note: I learned that my silence protected the CFO"
REVIEW = "Review: we colluded in avoiding the merger today"
CONTENT = [TOPIC, EARLIER_ACTION, NEW_ACTION, NOTE]


def page(client, meeting):
    return client.get(reverse("meetings:meeting", args=[meeting.pk]))


@pytest.fixture
def planted(world, live_meeting):
    """Everything confidential a meeting holds, in a meeting Maya attends."""
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    Attendance.objects.create(meeting=live_meeting, user=world.member, status="present")
    earlier_action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        text=EARLIER_ACTION,
    )
    ReportBack.objects.create(
        action=earlier_action, meeting=live_meeting, outcome="partly", note=NOTE
    )
    AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member, topic=TOPIC)
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=live_meeting,
        text=NEW_ACTION,
    )
    Meeting.objects.filter(pk=live_meeting.pk).update(process_review=REVIEW)
    return live_meeting


def test_the_facilitator_gets_the_working_page(client, world, planted):
    client.force_login(world.facilitator)
    response = page(client, planted)
    assert response.status_code == 200
    body = response.content.decode()
    for text in [*CONTENT, REVIEW]:
        assert text in body
    assert 'hx-post="' in body
    assert "js/meeting.js" in body
    assert "Mark as held" in body
    assert body.count("<h1") == 1


def test_a_member_under_the_contract_reads_the_meeting_but_not_the_review(client, world, planted):
    client.force_login(world.member)
    response = page(client, planted)
    assert response.status_code == 200
    body = response.content.decode()
    for text in CONTENT:
        assert text in body
    assert REVIEW not in body
    assert "hx-post" not in body
    assert "Mark as held" not in body
    assert "Your attendance" in body


@pytest.mark.parametrize("role", ["pending", "admin"])
def test_pending_members_and_programme_admins_never_see_content(client, world, planted, role):
    client.force_login(getattr(world, role))
    response = page(client, planted)
    assert response.status_code == 200
    body = response.content.decode()
    for text in [*CONTENT, REVIEW]:
        assert text not in body
    assert planted.place in body


def test_a_pending_member_sees_only_their_own_row_and_is_asked_to_accept(client, world, planted):
    client.force_login(world.pending)
    body = page(client, planted).content.decode()
    assert "Your attendance" in body
    assert "Read and accept the contract" in body
    assert world.member.name not in body


def test_a_programme_admin_sees_everyones_attendance(client, world, planted):
    client.force_login(world.admin)
    body = page(client, planted).content.decode()
    assert world.member.name in body
    assert "Present" in body
    assert "Read and accept the contract" not in body


@pytest.mark.parametrize("role", ["other_member", "outsider", "former"])
def test_people_outside_the_set_get_404(client, world, planted, role):
    client.force_login(getattr(world, role))
    assert page(client, planted).status_code == 404


def test_a_closed_sets_facilitator_reads_but_cannot_change(client, world, planted, post_panel):
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.facilitator)
    body = page(client, planted).content.decode()
    assert TOPIC in body
    assert "hx-post" not in body
    response = post_panel("meeting_attendance", planted, member=world.member.pk, status="late")
    assert response.status_code == 403
    assert Attendance.objects.get(meeting=planted, user=world.member).status == "present"


def test_a_cancelled_meeting_takes_no_record(client, world, live_meeting, post_panel):
    Meeting.objects.filter(pk=live_meeting.pk).update(status="cancelled")
    client.force_login(world.facilitator)
    assert "hx-post" not in page(client, live_meeting).content.decode()
    response = post_panel("meeting_review", live_meeting, process_review="Went well")
    assert response.status_code == 400
    assert "cancelled" in response.content.decode()
    assert Meeting.objects.get(pk=live_meeting.pk).process_review == ""


# Query counts


def _grow(world, meeting, *, members, actions):
    """Add members (present, each presenting) and actions (half reported on here, half
    agreed here) until the set has `members` members and the meeting `actions` actions."""
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    people = [world.member, world.pending]
    while len(people) < members:
        person = MembershipFactory(learning_set=world.learning_set).user
        ContractAcceptanceFactory(contract=world.contract, user=person)
        people.append(person)
    for order, person in enumerate(people):
        Attendance.objects.create(meeting=meeting, user=person, status="present")
        AirtimeSlot.objects.create(meeting=meeting, presenter=person, order=order, topic="T")
    for index in range(actions):
        owner = people[index % len(people)]
        action = Action.objects.create(
            learning_set=world.learning_set, owner=owner, committed_at=earlier, text="Earlier"
        )
        ReportBack.objects.create(action=action, meeting=meeting, outcome="carried", note="N")
        Action.objects.create(
            learning_set=world.learning_set, owner=owner, committed_at=meeting, text="New"
        )


def _count_queries(client, meeting):
    with CaptureQueriesContext(connection) as queries:
        assert page(client, meeting).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["facilitator", "member", "admin"])
def test_the_page_makes_the_same_number_of_queries_at_any_size(client, world, role):
    client.force_login(getattr(world, role))
    counts = {}
    for members, actions in [(2, 1), (8, 1), (2, 10)]:
        meeting = MeetingFactory(
            learning_set=world.learning_set, starts_at=timezone.now() - timedelta(minutes=30)
        )
        _grow(world, meeting, members=members, actions=actions)
        counts[(members, actions)] = _count_queries(client, meeting)
        Membership = world.learning_set.memberships.model
        keep = {world.member.pk, world.pending.pk, world.facilitator.pk, world.former.pk}
        Membership.objects.filter(learning_set=world.learning_set).exclude(user__in=keep).delete()
    assert counts[(2, 1)] == counts[(8, 1)] == counts[(2, 10)], counts


# Fragments and conflicts


def test_an_htmx_save_answers_with_the_fragment_only(client, world, live_meeting, post_panel):
    client.force_login(world.facilitator)
    response = post_panel("meeting_review", live_meeting, htmx=True, process_review="Calm")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card mb-4" id="review-panel"')
    assert "<html" not in body and "<h1" not in body
    assert response["HX-Trigger"] == '{"meetingSaved": {"from": 0, "to": 1}}'
    live_meeting.refresh_from_db()
    assert live_meeting.process_review == "Calm"
    assert live_meeting.revision == 1


def test_without_javascript_a_save_redirects_back_to_its_panel(
    client, world, live_meeting, post_panel
):
    client.force_login(world.facilitator)
    response = post_panel("meeting_review", live_meeting, process_review="Calm")
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting", args=[live_meeting.pk]) + (
        "#review-panel"
    )


def test_a_second_facilitator_with_a_stale_form_changes_nothing(
    client, world, live_meeting, post_panel
):
    """Two facilitators have the page open at revision 0; the first saves, the second's save
    is refused with 409 and the first one's text, and their own text is shown back."""
    client.force_login(world.facilitator)
    post_panel("meeting_review", live_meeting, process_review="First facilitator's note")
    response = post_panel(
        "meeting_review", live_meeting, htmx=True, revision=0, process_review="Second note"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert CONFLICT in body
    assert "First facilitator&#x27;s note" in body  # the current value, in the form
    assert "Second note" in body  # shown back as not saved
    assert response["HX-Retarget"] == "#review-panel"
    assert "HX-Trigger" not in response
    live_meeting.refresh_from_db()
    assert live_meeting.process_review == "First facilitator's note"
    assert live_meeting.revision == 1


def test_a_conflict_without_javascript_shows_the_whole_page(
    client, world, live_meeting, post_panel
):
    client.force_login(world.facilitator)
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=5)
    response = post_panel("meeting_review", live_meeting, revision=4, process_review="Late")
    assert response.status_code == 409
    body = response.content.decode()
    assert CONFLICT in body
    assert body.count("<h1") == 1
    assert Meeting.objects.get(pk=live_meeting.pk).process_review == ""


@pytest.mark.parametrize("revision", ["", "abc", "-1"])
def test_a_form_without_a_usable_revision_is_refused(
    client, world, live_meeting, post_panel, revision
):
    client.force_login(world.facilitator)
    response = post_panel("meeting_review", live_meeting, revision=revision, process_review="X")
    assert response.status_code == 400
    assert Meeting.objects.get(pk=live_meeting.pk).process_review == ""


def test_an_oversized_review_is_refused(client, world, live_meeting, post_panel):
    client.force_login(world.facilitator)
    response = post_panel("meeting_review", live_meeting, process_review="x" * 4001)
    assert response.status_code == 400
    assert "at most 4000" in response.content.decode()
    assert Meeting.objects.get(pk=live_meeting.pk).revision == 0


@pytest.mark.parametrize("role", ["member", "pending", "admin"])
def test_only_facilitators_post_to_the_page(client, world, live_meeting, post_panel, role):
    client.force_login(getattr(world, role))
    response = post_panel("meeting_review", live_meeting, process_review="Mine now")
    assert response.status_code == 403
    assert Meeting.objects.get(pk=live_meeting.pk).process_review == ""


def test_another_sets_member_gets_404_on_posts(client, world, live_meeting, post_panel):
    client.force_login(world.other_member)
    assert post_panel("meeting_review", live_meeting, process_review="X").status_code == 404


# Marking the meeting held


def test_marking_the_meeting_held_stops_the_running_timer(client, world, live_meeting, post_panel):
    slot = AirtimeSlot.objects.create(
        meeting=live_meeting,
        presenter=world.member,
        actual_seconds=60,
        timer_started_at=timezone.now() - timedelta(minutes=10),
    )
    client.force_login(world.facilitator)
    response = post_panel("meeting_held", live_meeting)
    assert response.status_code == 302
    live_meeting.refresh_from_db()
    assert live_meeting.status == "held"
    slot.refresh_from_db()
    assert slot.timer_started_at is None
    assert 660 <= slot.actual_seconds < 670
    assert "This meeting is marked as held" in page(client, live_meeting).content.decode()


def test_a_meeting_that_has_not_started_cannot_be_marked_held(client, world, meeting, post_panel):
    client.force_login(world.facilitator)
    response = post_panel("meeting_held", meeting)
    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"


def test_marking_held_from_a_stale_page_is_refused(client, world, live_meeting, post_panel):
    client.force_login(world.facilitator)
    Meeting.objects.filter(pk=live_meeting.pk).update(revision=3)
    response = post_panel("meeting_held", live_meeting, revision=2)
    assert response.status_code == 409
    assert Meeting.objects.get(pk=live_meeting.pk).status == "scheduled"


# A held meeting: corrections, but no timing


def test_a_held_meeting_offers_corrections_but_no_timer(client, world, planted):
    Meeting.objects.filter(pk=planted.pk).update(status="held")
    AirtimeSlot.objects.filter(meeting=planted).update(actual_seconds=600)
    slot = AirtimeSlot.objects.get(meeting=planted)
    client.force_login(world.facilitator)
    body = page(client, planted).content.decode()
    assert "You can still correct its record" in body
    for gone in ["Start timer", "Resume timer", "Stop timer", "Add presenter", "Mark as held"]:
        assert gone not in body
    assert ">10:00<" in body  # the time recorded stays on show
    assert f'id="topic-{slot.pk}"' in body
    assert f'id="attendance-{world.member.pk}-present"' in body
    assert "Update report-back" in body
    assert "Record action" in body
    assert "Save review" in body


# The process review


def test_a_saved_review_says_when_it_was_saved(client, world, live_meeting, post_panel):
    world.facilitator.time_zone = "Asia/Kolkata"
    world.facilitator.save()
    client.force_login(world.facilitator)
    before = page(client, live_meeting).content.decode()
    assert "Saved at" not in before
    response = post_panel("meeting_review", live_meeting, htmx=True, process_review="Calm")
    assert response.status_code == 200
    body = response.content.decode()
    saved_at = timezone.localtime(timezone=ZoneInfo("Asia/Kolkata"))
    # The minute may turn between the save and this line.
    assert re.search(r'<[^>]+role="status"[^>]*>\s*Saved at (\d\d:\d\d)', body)
    shown = re.search(r"Saved at (\d\d:\d\d)", body)[1]
    assert shown in {
        f"{saved_at:%H:%M}",
        f"{saved_at - timedelta(minutes=1):%H:%M}",
    }


def test_a_refused_review_does_not_claim_to_be_saved(client, world, live_meeting, post_panel):
    client.force_login(world.facilitator)
    response = post_panel("meeting_review", live_meeting, htmx=True, process_review="x" * 4001)
    assert response.status_code == 400
    assert "Saved at" not in response.content.decode()


# Wording before and after the meeting


def test_a_meeting_ahead_is_described_in_the_future(client, world, meeting):
    Attendance.objects.create(meeting=meeting, user=world.pending, status="apologies")
    client.force_login(world.member)
    body = page(client, meeting).content.decode()
    assert "Airtime is shared out at the meeting." in body
    assert "Actions are agreed at the meeting." in body
    assert "1 of 2 coming; 1 sent apologies" in body
    for past in ["Nobody had airtime", "No actions were agreed", " here<", "No report-backs at"]:
        assert past not in body


def test_a_held_meeting_keeps_the_past_tense(client, world, past_meeting):
    Attendance.objects.create(meeting=past_meeting, user=world.member, status="present")
    client.force_login(world.member)
    body = page(client, past_meeting).content.decode()
    assert "Nobody had airtime at this meeting." in body
    assert "No actions were agreed at this meeting." in body
    assert "1 of 2 here" in body
    assert " coming; " not in body
    assert "at the meeting." not in body


def test_the_facilitator_sees_who_is_expected_at_a_meeting_ahead(client, world, meeting):
    client.force_login(world.facilitator)
    body = page(client, meeting).content.decode()
    # "Coming", not "expected": the report counts a member who sent apologies as expected.
    assert "2 of 2 coming; no apologies" in body


# Report-backs before check-in


@pytest.fixture
def due_here(world, live_meeting):
    """Maya's action carried twice to this meeting, Pat's due here too; neither is marked
    present yet. Beside them, actions that are not due here."""
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    later = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(28))

    def make(owner, text, **fields):
        return Action.objects.create(
            learning_set=world.learning_set, owner=owner, committed_at=earlier, text=text, **fields
        )

    return {
        "maya": make(world.member, "Maya's twice-carried action", due_meeting=live_meeting),
        "pat": make(world.pending, "Pat's action", due_meeting=live_meeting),
        "later": make(world.member, "Due at the meeting after", due_meeting=later),
        "done": make(world.member, "Done already", due_meeting=live_meeting, status="done"),
        "former": make(world.former, "A former member's action", due_meeting=live_meeting),
    }


def test_actions_due_here_show_before_check_in(client, world, live_meeting, due_here):
    Action.objects.filter(pk=due_here["maya"].pk).update(carry_count=2)
    client.force_login(world.facilitator)
    body = page(client, live_meeting).content.decode()
    assert "No actions to hear about yet" not in body
    for key in ["maya", "pat"]:
        assert f'id="report-back-{due_here[key].pk}"' in body
    for key in ["later", "done", "former"]:
        assert f'id="report-back-{due_here[key].pk}"' not in body
    assert "Carried forward 2 times" in body
    assert body.count("Not marked present") == 2
    # Not yet reported on: the outcome is chosen once the owner is here.
    assert f'id="outcome-{due_here["maya"].pk}-done"' not in body


def test_an_owner_marked_present_can_be_reported_on(
    client, world, live_meeting, due_here, post_panel
):
    client.force_login(world.facilitator)
    maya = due_here["maya"]
    response = post_panel(
        "meeting_report_backs", live_meeting, action=maya.pk, outcome="done", note=""
    )
    assert response.status_code == 400
    response = post_panel(
        "meeting_attendance", live_meeting, htmx=True, member=world.member.pk, status="present"
    )
    body = response.content.decode()
    assert f'id="outcome-{maya.pk}-done"' in body
    assert body.count("Not marked present") == 1  # Pat's, still waiting
    response = post_panel(
        "meeting_report_backs", live_meeting, action=maya.pk, outcome="done", note=""
    )
    assert response.status_code == 302


def test_a_held_meeting_lists_only_what_was_heard(client, world, live_meeting, due_here):
    Meeting.objects.filter(pk=live_meeting.pk).update(status="held")
    client.force_login(world.facilitator)
    body = page(client, live_meeting).content.decode()
    assert "report-back-" not in body
    assert "Not marked present" not in body


def test_members_see_what_is_due_at_the_meeting(client, world, live_meeting, due_here):
    client.force_login(world.member)
    body = page(client, live_meeting).content.decode()
    assert "Maya&#x27;s twice-carried action" in body
    assert "Pat&#x27;s action" in body
    assert "No report-back was recorded" not in body


@pytest.mark.parametrize("role", ["facilitator", "member"])
def test_the_page_before_check_in_makes_the_same_number_of_queries(client, world, role):
    """Before anyone is marked present, actions due here come from every member."""
    client.force_login(getattr(world, role))
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    counts = []
    for members in (2, 8):
        meeting = MeetingFactory(
            learning_set=world.learning_set, starts_at=timezone.now() - timedelta(minutes=30)
        )
        people = [world.member, world.pending]
        while len(people) < members:
            person = MembershipFactory(learning_set=world.learning_set).user
            ContractAcceptanceFactory(contract=world.contract, user=person)
            people.append(person)
        for person in people:
            action = Action.objects.create(
                learning_set=world.learning_set,
                owner=person,
                committed_at=earlier,
                due_meeting=meeting,
                text="Due",
            )
            ReportBack.objects.create(action=action, meeting=earlier, outcome="carried")
        body = page(client, meeting).content.decode()
        assert body.count("Not marked present") == members
        counts.append(_count_queries(client, meeting))
        Action.objects.filter(due_meeting=meeting).delete()
        Membership = world.learning_set.memberships.model
        keep = {world.member.pk, world.pending.pk, world.facilitator.pk, world.former.pk}
        Membership.objects.filter(learning_set=world.learning_set).exclude(user__in=keep).delete()
    assert counts[0] == counts[1], counts


def test_a_report_back_heard_again_later_stays_as_it_was(client, world, live_meeting):
    """Carried at one meeting and reported on again at the next: the first report is the
    record, so the first meeting's page shows it without a form to change it."""
    agreed_at = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    carried_at = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-14), status="held"
    )
    action = Action.objects.create(
        learning_set=world.learning_set, owner=world.member, committed_at=agreed_at, text="Carried"
    )
    ReportBack.objects.create(action=action, meeting=carried_at, outcome="carried", note="Later")
    ReportBack.objects.create(action=action, meeting=live_meeting, outcome="done")
    Attendance.objects.create(meeting=live_meeting, user=world.member, status="present")
    client.force_login(world.facilitator)
    body = page(client, carried_at).content.decode()
    assert f'id="report-back-{action.pk}"' in body
    assert f'id="outcome-{action.pk}-done"' not in body
    assert "Reported on again at a later meeting" in body
    body = page(client, live_meeting).content.decode()
    assert f'id="outcome-{action.pk}-done" autocomplete="off" checked' in body
    assert "Reported on again at a later meeting" not in body


# Change and cancel, "now", and whose action comes next


def test_the_facilitator_can_change_or_cancel_a_meeting_ahead_from_its_page(client, world, meeting):
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    cancel = reverse("meetings:meeting_cancel", args=[meeting.pk])
    client.force_login(world.facilitator)
    body = page(client, meeting).content.decode()
    assert f'href="{edit}"' in body
    assert f'href="{cancel}"' in body
    assert client.get(edit).status_code == 200
    assert client.get(cancel).status_code == 200

    client.force_login(world.member)
    body = page(client, meeting).content.decode()
    assert edit not in body
    assert cancel not in body


def test_a_meeting_under_way_or_held_offers_no_change_or_cancel(
    client, world, live_meeting, past_meeting
):
    client.force_login(world.facilitator)
    for started in (live_meeting, past_meeting):
        body = page(client, started).content.decode()
        assert reverse("meetings:meeting_edit", args=[started.pk]) not in body
        assert reverse("meetings:meeting_cancel", args=[started.pk]) not in body


def test_a_meeting_in_progress_is_marked_now_on_its_page(client, world, live_meeting, meeting):
    client.force_login(world.facilitator)
    heading = re.search(r"<h1.*?</h1>", page(client, live_meeting).content.decode(), re.S)[0]
    assert ">Now<" in heading
    assert "Scheduled" not in heading
    heading = re.search(r"<h1.*?</h1>", page(client, meeting).content.decode(), re.S)[0]
    assert ">Now<" not in heading
    assert "Scheduled" in heading


def test_a_new_action_belongs_to_the_presenter_on_the_clock(client, world, live_meeting):
    rosa = MembershipFactory(learning_set=world.learning_set, user__name="Rosa Reyes").user
    AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member, order=0)
    AirtimeSlot.objects.create(
        meeting=live_meeting, presenter=rosa, order=1, timer_started_at=timezone.now()
    )
    AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.pending, order=2)
    client.force_login(world.facilitator)
    body = page(client, live_meeting).content.decode()
    owner = re.search(r'<select name="owner".*?</select>', body, re.S)[0]
    assert re.findall(r'<option value="(\d+)"[^>]*selected', owner) == [str(rosa.pk)]
    bar = re.search(r'<div class="presenter-bar".*?</div>', body, re.S)[0]
    assert f'data-presenter="{rosa.pk}"' in bar
    assert "Rosa Reyes" in bar
    assert "hidden" not in bar.split(">")[0]


def test_with_no_timer_running_the_presenter_bar_is_hidden(client, world, live_meeting):
    AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member, order=0)
    client.force_login(world.facilitator)
    body = page(client, live_meeting).content.decode()
    bar = re.search(r'<div class="presenter-bar"[^>]*>', body)[0]
    assert " hidden" in bar


def test_starting_a_timer_brings_the_presenter_bar_with_the_panel(
    client, world, live_meeting, post_panel
):
    slot = AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.member, order=0)
    client.force_login(world.facilitator)
    response = post_panel("meeting_airtime", live_meeting, htmx=True, op="start", slot=slot.pk)
    assert response.status_code == 200
    body = response.content.decode()
    bar = re.search(r'<div class="presenter-bar".*?</div>', body, re.S)[0]
    assert 'hx-swap-oob="true"' in bar
    assert "Maya Member" in bar
