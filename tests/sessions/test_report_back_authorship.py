"""A report-back keeps who wrote it and who changed it; a facilitator who changes one its owner
wrote themselves confirms first (docs/product.md#actions-and-report-backs)."""

import pytest
from django.urls import reverse

from alsspace.models import AuditEvent
from sessions.audit_actions import MeetingAction as Audit
from sessions.models import Action, Attendance, Meeting, ReportBack
from sessions.services import running
from tests.sessions.factories import MeetingFactory, days_from_now

OWN_WORDS = "wrote this report-back themselves"


@pytest.fixture
def open_action(world, live_meeting):
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    Attendance.objects.create(meeting=live_meeting, user=world.member, status="present")
    return Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=live_meeting,
        text="Ask the CFO for the real numbers",
    )


@pytest.fixture
def own_report(world, live_meeting, open_action):
    """Maya's report-back on her own action, written before the meeting."""
    return running.write_own_report_back(
        open_action, outcome="partly", note="Got halfway: the CFO stalled", by=world.member
    )


def post(post_panel, meeting, action, outcome, note, **extra):
    return post_panel(
        "meeting_report_backs", meeting, action=action.pk, outcome=outcome, note=note, **extra
    )


def test_the_owner_writing_first_is_the_author(world, own_report):
    assert (own_report.author, own_report.written_by) == (world.member, world.member)


def test_the_meeting_page_asks_the_facilitator_before_they_change_the_owners_words(
    client, world, live_meeting, own_report
):
    client.force_login(world.facilitator)
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert "Maya wrote this report-back themselves." in body
    assert "Yes, change Maya’s own report-back" in body
    assert 'name="confirm_change"' in body
    assert "Written by Maya" in body


def test_a_change_without_confirmation_writes_nothing_and_asks(
    client, world, live_meeting, open_action, own_report, post_panel
):
    client.force_login(world.facilitator)
    live_meeting.refresh_from_db()
    revision = live_meeting.revision
    response = post(post_panel, live_meeting, open_action, "done", "Done, says Fay", htmx=True)
    assert response.status_code == 400
    body = response.content.decode()
    assert OWN_WORDS in body
    assert "tick “Yes, change Maya’s own report-back”" in body
    # The row keeps what the facilitator typed, to confirm and send again.
    assert "Done, says Fay" in body
    assert f'value="done" id="outcome-{open_action.pk}-done" autocomplete="off" checked' in body
    report = ReportBack.objects.get()
    assert (report.outcome, report.note, report.written_by) == (
        "partly",
        "Got halfway: the CFO stalled",
        world.member,
    )
    open_action.refresh_from_db()
    assert open_action.status == "open"
    assert Meeting.objects.get(pk=live_meeting.pk).revision == revision
    assert not AuditEvent.objects.filter(action=Audit.REPORT_BACK_CHANGED).exists()


def test_without_javascript_the_refusal_is_the_whole_page_with_the_question(
    client, world, live_meeting, open_action, own_report, post_panel
):
    client.force_login(world.facilitator)
    response = post(post_panel, live_meeting, open_action, "dropped", "")
    assert response.status_code == 400
    assert OWN_WORDS in response.content.decode()
    assert ReportBack.objects.get().outcome == "partly"


def test_a_confirmed_change_is_written_and_the_record_says_who_changed_it(
    client, world, live_meeting, open_action, own_report, post_panel
):
    client.force_login(world.facilitator)
    response = post(
        post_panel, live_meeting, open_action, "done", "Done in the end", confirm_change="on"
    )
    assert response.status_code == 302
    report = ReportBack.objects.get()
    assert (report.outcome, report.note) == ("done", "Done in the end")
    assert (report.author, report.written_by) == (world.member, world.facilitator)
    open_action.refresh_from_db()
    assert open_action.status == "done"
    event = AuditEvent.objects.get(action=Audit.REPORT_BACK_CHANGED)
    assert (event.actor, event.subject) == (world.facilitator, world.member.email)
    assert event.detail["set"] == world.learning_set.name
    assert "Done in the end" not in str(event.detail)

    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert "Written by Maya" in body
    assert "Changed by Fay Facilitator" in body
    # The words are now the facilitator's: a further change asks nothing.
    assert "Maya wrote this report-back themselves." not in body


def test_the_record_shows_authorship_to_members_too(
    client, world, live_meeting, open_action, own_report, post_panel
):
    client.force_login(world.facilitator)
    post(post_panel, live_meeting, open_action, "done", "", confirm_change="on")
    Meeting.objects.filter(pk=live_meeting.pk).update(status="held")
    client.force_login(world.member)
    body = client.get(live_meeting.get_absolute_url()).content.decode()
    assert "Written by Maya" in body
    assert "Changed by Fay Facilitator" in body
    assert 'name="confirm_change"' not in body


def test_saving_the_owners_words_unchanged_asks_nothing_and_changes_no_one(
    client, world, live_meeting, open_action, own_report, post_panel
):
    client.force_login(world.facilitator)
    response = post(post_panel, live_meeting, open_action, "partly", "Got halfway: the CFO stalled")
    assert response.status_code == 302
    assert ReportBack.objects.get().written_by == world.member


def test_a_facilitators_own_report_back_changes_without_asking(
    client, world, live_meeting, open_action, post_panel
):
    client.force_login(world.facilitator)
    assert post(post_panel, live_meeting, open_action, "partly", "").status_code == 302
    assert post(post_panel, live_meeting, open_action, "done", "Finished").status_code == 302
    report = ReportBack.objects.get()
    assert (report.author, report.written_by, report.outcome) == (
        world.facilitator,
        world.facilitator,
        "done",
    )
    assert not AuditEvent.objects.filter(action=Audit.REPORT_BACK_CHANGED).exists()


def test_the_owner_rewrites_over_the_facilitator_and_stays_asked_about(
    client, world, live_meeting, open_action, post_panel
):
    client.force_login(world.facilitator)
    post(post_panel, live_meeting, open_action, "partly", "Fay's note")
    running.write_own_report_back(open_action, outcome="done", note="Mine", by=world.member)
    report = ReportBack.objects.get()
    assert (report.author, report.written_by) == (world.facilitator, world.member)
    response = post(post_panel, live_meeting, open_action, "carried", "")
    assert response.status_code == 400
    assert ReportBack.objects.get().outcome == "done"


def test_the_service_refuses_an_unconfirmed_change_to_the_owners_words(
    world, live_meeting, open_action, own_report
):
    live_meeting.refresh_from_db()
    with pytest.raises(running.OwnReportBack) as refusal:
        running.record_report_back(
            live_meeting,
            action=open_action,
            outcome="done",
            note="",
            by=world.facilitator,
            revision=live_meeting.revision,
        )
    assert refusal.value.owner == world.member
    assert ReportBack.objects.get().outcome == "partly"


def test_the_owner_is_told_on_their_own_page_that_the_facilitator_changed_their_words(
    client, world, live_meeting, open_action, own_report, post_panel
):
    next_meeting = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(30))
    Action.objects.filter(pk=open_action.pk).update(due_meeting=next_meeting)
    report = running.write_own_report_back(
        Action.objects.get(pk=open_action.pk), outcome="partly", note="Mine", by=world.member
    )
    ReportBack.objects.filter(pk=report.pk).update(written_by=world.facilitator)
    client.force_login(world.member)
    body = client.get(reverse("meetings:action_report", args=[open_action.pk])).content.decode()
    assert "Fay Facilitator changed the report-back you wrote." in body
