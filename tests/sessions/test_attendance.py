"""Recording attendance on the meeting page, and members sending apologies ahead."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Action, Attendance, Meeting
from sessions.views.mixins import CONFLICT
from tests.sessions.factories import MeetingFactory, days_from_now


def checked(user, status):
    """How the attendance row shows a status as chosen."""
    return f'value="{status}" id="attendance-{user.pk}-{status}" autocomplete="off" checked'


def status_of(meeting, user):
    row = Attendance.objects.filter(meeting=meeting, user=user).first()
    return row.status if row else None


@pytest.fixture
def facilitating(client, world):
    client.force_login(world.facilitator)
    return client


# Recording attendance


def test_the_facilitator_records_a_members_attendance(
    facilitating, world, live_meeting, post_panel
):
    response = post_panel("meeting_attendance", live_meeting, member=world.member.pk, status="late")
    assert response.status_code == 302
    row = Attendance.objects.get(meeting=live_meeting, user=world.member)
    assert (row.status, row.recorded_by) == ("late", world.facilitator)
    assert Meeting.objects.get(pk=live_meeting.pk).revision == 1


def test_a_changed_row_replaces_the_earlier_status(facilitating, world, live_meeting, post_panel):
    post_panel("meeting_attendance", live_meeting, member=world.member.pk, status="present")
    post_panel("meeting_attendance", live_meeting, member=world.member.pk, status="left_early")
    assert status_of(live_meeting, world.member) == "left_early"
    assert Attendance.objects.filter(meeting=live_meeting, user=world.member).count() == 1


def test_with_htmx_the_answer_is_the_row(facilitating, world, live_meeting, post_panel):
    response = post_panel(
        "meeting_attendance", live_meeting, htmx=True, member=world.member.pk, status="absent"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(
        f'<li class="list-group-item px-0 py-3" id="attendance-row-{world.member.pk}"'
    )
    assert "<html" not in body and "<h1" not in body
    assert checked(world.member, "absent") in body
    assert response["HX-Trigger"] == '{"meetingSaved": {"from": 0, "to": 1}}'


def test_arriving_refreshes_the_report_backs_out_of_band(
    facilitating, world, live_meeting, post_panel
):
    earlier = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(-28))
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        text="Speak to the union rep",
    )
    response = post_panel(
        "meeting_attendance", live_meeting, htmx=True, member=world.member.pk, status="present"
    )
    body = response.content.decode()
    assert 'id="report-backs-panel" aria-labelledby="report-backs-heading" hx-swap-oob="true"' in (
        body
    )
    assert "Speak to the union rep" in body
    # A change between two ways of being absent leaves the report-backs alone.
    post_panel("meeting_attendance", live_meeting, member=world.pending.pk, status="absent")
    response = post_panel(
        "meeting_attendance", live_meeting, htmx=True, member=world.pending.pk, status="apologies"
    )
    assert "report-backs-panel" not in response.content.decode()


@pytest.mark.parametrize("status", ["", "here", "PRESENT", "present; drop table"])
def test_an_unknown_status_is_refused(facilitating, world, live_meeting, post_panel, status):
    response = post_panel("meeting_attendance", live_meeting, member=world.member.pk, status=status)
    assert response.status_code == 400
    assert "Choose present, late, left early, apologies or absent." in response.content.decode()
    assert status_of(live_meeting, world.member) is None
    assert Meeting.objects.get(pk=live_meeting.pk).revision == 0


@pytest.mark.parametrize("person", ["facilitator", "former", "other_member", "outsider"])
def test_only_current_members_have_attendance_taken(
    facilitating, world, live_meeting, post_panel, person
):
    user = getattr(world, person)
    response = post_panel("meeting_attendance", live_meeting, member=user.pk, status="present")
    assert response.status_code == 400
    assert "member of this set" in response.content.decode()
    assert status_of(live_meeting, user) is None


def test_a_refusal_with_htmx_answers_with_the_panel(facilitating, world, live_meeting, post_panel):
    response = post_panel(
        "meeting_attendance", live_meeting, htmx=True, member=world.member.pk, status="nope"
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#attendance-panel"
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card mb-4" id="attendance-panel"')
    assert "<h1" not in body


def test_a_stale_row_is_refused_with_the_current_values(
    facilitating, world, live_meeting, post_panel
):
    post_panel("meeting_attendance", live_meeting, member=world.member.pk, status="late")
    response = post_panel(
        "meeting_attendance",
        live_meeting,
        htmx=True,
        revision=0,
        member=world.member.pk,
        status="absent",
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#attendance-panel"
    body = response.content.decode()
    assert CONFLICT in body
    assert checked(world.member, "late") in body
    assert status_of(live_meeting, world.member) == "late"


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("pending", 403), ("admin", 403)])
def test_others_cannot_record_attendance(client, world, live_meeting, post_panel, role, status):
    client.force_login(getattr(world, role))
    response = post_panel("meeting_attendance", live_meeting, member=world.member.pk, status="late")
    assert response.status_code == status
    assert status_of(live_meeting, world.member) is None


# Apologies


def apologise(client, meeting, intent="send", **extra):
    url = reverse("meetings:meeting_apologies", args=[meeting.pk])
    return client.post(url, {"intent": intent, **extra})


@pytest.mark.parametrize("role", ["member", "pending"])
def test_a_member_sends_apologies_ahead(client, world, meeting, role):
    user = getattr(world, role)
    client.force_login(user)
    before = timezone.now()
    response = apologise(client, meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting", args=[meeting.pk])
    row = Attendance.objects.get(meeting=meeting, user=user)
    assert row.status == "apologies"
    assert before <= row.apologies_sent_at <= timezone.now()
    body = client.get(response["Location"]).content.decode()
    assert "You sent apologies" in body
    assert "Withdraw my apologies" in body


def test_the_facilitator_sees_apologies_with_the_time_sent(client, world, meeting):
    client.force_login(world.member)
    apologise(client, meeting)
    client.force_login(world.facilitator)
    body = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Apologies sent" in body
    assert checked(world.member, "apologies") in body


def test_a_member_withdraws_their_apologies(client, world, meeting):
    client.force_login(world.member)
    apologise(client, meeting)
    response = apologise(client, meeting, intent="withdraw")
    assert response.status_code == 302
    row = Attendance.objects.get(meeting=meeting, user=world.member)
    assert (row.status, row.apologies_sent_at) == ("", None)


def test_withdrawing_apologies_never_sent_is_refused(client, world, meeting):
    client.force_login(world.member)
    response = apologise(client, meeting, intent="withdraw")
    assert response.status_code == 400
    assert "You have not sent apologies" in response.content.decode()


def test_apologies_after_the_start_go_to_the_facilitator_instead(client, world, live_meeting):
    client.force_login(world.member)
    response = apologise(client, live_meeting)
    assert response.status_code == 400
    assert "already started" in response.content.decode()
    assert status_of(live_meeting, world.member) is None


@pytest.mark.parametrize("intent", ["", "maybe"])
def test_apologies_need_a_clear_intent(client, world, meeting, intent):
    client.force_login(world.member)
    assert apologise(client, meeting, intent=intent).status_code == 400
    assert status_of(meeting, world.member) is None


def test_apologies_can_return_to_the_set_page_but_not_elsewhere(client, world, meeting):
    client.force_login(world.member)
    set_page = world.learning_set.get_absolute_url()
    assert apologise(client, meeting, next=set_page)["Location"] == set_page
    response = apologise(client, meeting, intent="withdraw", next="https://evil.example/")
    assert response["Location"] == reverse("meetings:meeting", args=[meeting.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [("facilitator", 403), ("admin", 403), ("former", 404), ("other_member", 404)],
)
def test_only_the_sets_members_send_apologies(client, world, meeting, role, status):
    client.force_login(getattr(world, role))
    assert apologise(client, meeting).status_code == status
    assert not Attendance.objects.filter(meeting=meeting, status="apologies").exists()


@pytest.mark.parametrize("meeting_status", ["held", "cancelled"])
def test_no_apologies_for_a_held_or_cancelled_meeting(client, world, meeting, meeting_status):
    Meeting.objects.filter(pk=meeting.pk).update(status=meeting_status)
    client.force_login(world.member)
    assert apologise(client, meeting).status_code == 403


def test_apologies_make_a_facilitators_open_page_stale(
    client, world, meeting, facilitating, post_panel
):
    """The facilitator's row for Maya was rendered before she sent apologies: saving it must
    not silently overwrite them."""
    client.force_login(world.member)
    apologise(client, meeting)
    client.force_login(world.facilitator)
    response = post_panel(
        "meeting_attendance", meeting, revision=0, member=world.member.pk, status="present"
    )
    assert response.status_code == 409
    assert status_of(meeting, world.member) == "apologies"


def test_the_apologies_time_is_kept_when_the_meeting_starts(client, world):
    soon = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(world.member)
    apologise(client, soon)
    Meeting.objects.filter(pk=soon.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    body = client.get(reverse("meetings:meeting", args=[soon.pk])).content.decode()
    assert "You sent apologies on" in body
    assert "Withdraw my apologies" not in body
