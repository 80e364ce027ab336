"""A set's shape (warnings, never blocks), its status, and its ending with a closing review."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from reflections.exports import my_data
from sessions.models import Meeting
from sessions.services import running
from sets import shape
from sets.audit_actions import SetAction
from sets.models import ClosingReview, ClosingReviewEntry, LearningSet
from tests.factories import InvitationFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory

# The shape: pure functions


@pytest.mark.parametrize(
    ("members", "invited", "large", "small"),
    [(8, 0, False, False), (8, 1, True, False), (9, 0, True, False), (4, 0, False, False),
     (3, 0, False, True), (2, 2, False, False), (0, 0, False, True)],
)  # fmt: skip
def test_size_warnings_say_past_8_and_below_4(members, invited, large, small):
    assert bool(shape.too_large(members, invited)) is large
    assert bool(shape.too_small(members, invited)) is small
    assert len(shape.size_warnings(members, invited)) == large + small


def starts(*days):
    first = datetime(2026, 3, 3, 9, 30, tzinfo=timezone.get_current_timezone())
    return [first + timedelta(days=day) for day in days]


def test_gaps_between_2_and_8_weeks_say_nothing():
    assert shape.gap_warnings(starts(0, 14, 70, 126)) == []


def test_a_gap_under_2_weeks_is_named_once_with_the_shortest():
    (warning,) = shape.gap_warnings(starts(0, 7, 10, 30))
    assert "only 3 days apart" in warning
    assert "10 Mar and 13 Mar 2026" in warning


def test_a_gap_over_8_weeks_is_named():
    (warning,) = shape.gap_warnings(starts(0, 28, 28 + 63))
    assert "9 weeks apart" in warning


# Where the warnings show


def fill(learning_set, count):
    for _ in range(count):
        MembershipFactory(learning_set=learning_set)


def test_inviting_past_8_members_is_done_and_warned_about(client, world):
    fill(world.learning_set, 6)  # 8 members, with Maya and Pat
    client.force_login(world.facilitator)
    response = client.post(
        reverse("sets:invite", args=[world.learning_set.pk]),
        {"name": "Nia Ninth", "email": "nia@example.org", "role": "member"},
        follow=True,
    )
    body = response.content.decode()
    assert world.learning_set.invitations.filter(email="nia@example.org").exists()
    assert "with 1 more invited: more than 8" in body
    assert "nothing stops the set meeting" in body  # and on the set page itself


def test_the_set_page_warns_facilitator_and_admin_of_a_small_set_but_not_members(client, world):
    for role, warned in (("facilitator", True), ("admin", True), ("member", False)):
        client.force_login(getattr(world, role))
        body = client.get(world.learning_set.get_absolute_url()).content.decode()
        assert ("fewer than 4" in body) is warned, role


def test_a_small_set_filled_by_invitations_is_not_warned_about(client, world):
    InvitationFactory.create_batch(2, learning_set=world.learning_set)
    client.force_login(world.facilitator)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "fewer than 4" not in body


def test_importing_past_8_members_is_previewed_done_and_warned_about(client, world):
    fill(world.learning_set, 7)
    client.force_login(world.admin)
    upload = SimpleUploadedFile(
        "people.csv",
        b"name,email,set,role\nNia Ninth,nia@example.org,Set Alpha,member\n",
        content_type="text/csv",
    )
    response = client.post(
        reverse("sets:import_members", args=[world.programme.pk]), {"file": upload}
    )
    assert response.context["warnings"] == [
        "Set Alpha: The set has 9 members, with 1 more in this file: more than 8. Sets work "
        "best with 4 to 8 members, so that each has airtime at every meeting."
    ]
    response = client.post(
        reverse("sets:import_confirm", args=[world.programme.pk]),
        {"preview": response.context["confirm_form"].initial["preview"]},
        follow=True,
    )
    body = response.content.decode()
    assert "Invited 1 person" in body
    assert "Set Alpha: The set has 9 members, with 1 more invited: more than 8" in body


def test_a_weekly_series_is_scheduled_and_warned_about(client, world):
    client.force_login(world.facilitator)
    day = (timezone.now() + timedelta(days=20)).date()
    response = client.post(
        reverse("meetings:series_create", args=[world.learning_set.pk]),
        {
            "date": day.isoformat(),
            "starts": "09:30",
            "ends": "13:30",
            "time_zone": "Europe/London",
            "place": "Room 4",
            "video_link": "",
            "frequency": "weekly",
            "interval": "1",
            "ordinal": "1",
            "weekday": "1",
            "count": "3",
            "until": "",
        },
        follow=True,
    )
    body = response.content.decode()
    assert Meeting.objects.filter(learning_set=world.learning_set).count() == 3
    assert "only 1 week apart" in body
    # The set page says so too, to those who schedule.
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "only 1 week apart" in body
    client.force_login(world.member)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "only 1 week apart" not in body


# Status


def forming(world):
    world.learning_set.status = LearningSet.Status.FORMING
    world.learning_set.save()


def test_a_set_becomes_active_when_its_first_meeting_is_held(world):
    forming(world)
    start = timezone.now() - timedelta(hours=2)
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    running.mark_held(meeting, revision=meeting.revision)
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.ACTIVE


def test_the_facilitator_sets_the_status_and_it_is_audited(client, world):
    forming(world)
    client.force_login(world.facilitator)
    url = reverse("sets:set_status", args=[world.learning_set.pk])
    response = client.post(url, {"status": "active"})
    assert response.status_code == 302
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.ACTIVE
    event = AuditEvent.objects.get(action=SetAction.SET_STATUS_CHANGED)
    assert event.actor == world.facilitator
    assert event.detail == {"was": "forming", "status": "active"}
    client.force_login(world.admin)
    log = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Changed the status of" in log and "Status before" in log
    client.force_login(world.facilitator)
    # Closing is not a status to set here.
    assert client.post(url, {"status": "closed"}).status_code == 400
    world.learning_set.refresh_from_db()
    assert world.learning_set.status == LearningSet.Status.ACTIVE


def test_home_and_programme_pages_show_the_status(client, world):
    world.learning_set.status = LearningSet.Status.ACTIVE
    world.learning_set.save()
    client.force_login(world.member)
    assert "Active" in client.get(reverse("home")).content.decode()
    client.force_login(world.admin)
    assert "Active" in client.get(world.programme.get_absolute_url()).content.decode()


# The closing review


def closing_url(world, name="sets:closing_review"):
    return reverse(name, args=[world.learning_set.pk])


def test_the_set_ends_with_a_closing_review_then_closes_read_only(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    body = client.get(closing_url(world, "sets:set_close")).content.decode()
    assert "Open the closing review first" in body
    assert "Close without a review" in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(closing_url(world, "sets:closing_review_open"))
    assert response.status_code == 302
    review = ClosingReview.objects.get(learning_set=world.learning_set)
    assert review.opened_by == world.facilitator
    assert AuditEvent.objects.filter(action=SetAction.CLOSING_REVIEW_OPENED).count() == 1
    # Everyone in the set but the facilitator who opened it is asked, once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.member.email, world.pending.email])
    client.post(closing_url(world, "sets:closing_review_open"))
    assert ClosingReview.objects.count() == 1

    client.force_login(world.member)
    response = client.post(
        closing_url(world),
        {"learned": "To ask before advising.", "keep_doing": "Pausing.", "story": "I stayed."},
    )
    assert response.status_code == 302
    # A missing part is refused, and the saved words stay as they were.
    response = client.post(closing_url(world), {"learned": "", "keep_doing": "x", "story": ""})
    assert response.status_code == 400
    entry = ClosingReviewEntry.objects.get(author=world.member)
    assert entry.learned == "To ask before advising."

    client.force_login(world.facilitator)
    body = client.get(closing_url(world)).content.decode()
    assert "To ask before advising." in body and "I stayed." in body
    assert client.post(closing_url(world, "sets:set_close")).status_code == 302
    world.learning_set.refresh_from_db()
    assert world.learning_set.is_closed

    # Read-only, and still there for the set and in the member's own download.
    client.force_login(world.member)
    body = client.get(closing_url(world)).content.decode()
    assert "I stayed." in body and "read-only" in body
    response = client.post(closing_url(world), {"learned": "a", "keep_doing": "b", "story": ""})
    assert response.status_code == 403
    (kept,) = my_data(world.member)["closing_reviews"]
    assert kept["set"] == "Set Alpha" and kept["story"] == "I stayed."


def test_still_to_write_lists_only_members_who_can_write(client, world):
    """A pending member cannot write until they accept the contract: they are not waited for."""
    client.force_login(world.facilitator)
    client.post(closing_url(world, "sets:closing_review_open"))
    body = client.get(closing_url(world)).content.decode()
    assert "0 of the set’s 1 member have written theirs; still to write: Maya Member." in body
    assert "Pat Pending" not in body


def test_a_set_closes_without_a_review(client, world):
    client.force_login(world.facilitator)
    assert client.post(closing_url(world, "sets:set_close")).status_code == 302
    world.learning_set.refresh_from_db()
    assert world.learning_set.is_closed
    assert not ClosingReview.objects.exists()


def test_nobody_writes_before_the_review_is_opened(client, world):
    client.force_login(world.member)
    body = client.get(closing_url(world)).content.decode()
    assert "opens the closing review" in body
    response = client.post(closing_url(world), {"learned": "a", "keep_doing": "b", "story": ""})
    assert response.status_code == 403


def test_admins_never_read_the_closing_review(client, world):
    review = ClosingReview.objects.create(learning_set=world.learning_set)
    ClosingReviewEntry.objects.create(
        review=review, author=world.member, learned="L", keep_doing="K", story="Secret story"
    )
    client.force_login(world.admin)
    for url in (
        closing_url(world),
        world.learning_set.get_absolute_url(),
        closing_url(world, "sets:set_close"),
        world.programme.get_absolute_url(),
    ):
        assert "Secret story" not in client.get(url).content.decode(), url
