"""Meetings follow the sets app: a member who joins is expected at the meetings to come."""

from sessions.models import Attendance, Meeting
from sets import services
from tests.factories import InvitationFactory, UserFactory
from tests.sessions.factories import MeetingFactory, days_from_now


def test_a_member_who_joins_is_expected_at_the_meetings_still_to_come(world):
    coming = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    MeetingFactory(
        learning_set=world.learning_set,
        starts_at=days_from_now(14),
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(
        learning_set=world.learning_set,
        starts_at=days_from_now(-14),
        status=Meeting.Status.HELD,
    )
    MeetingFactory(learning_set=world.other_set, starts_at=days_from_now(7))
    newcomer = UserFactory(email="nia@example.org")
    invitation = InvitationFactory(learning_set=world.learning_set, email=newcomer.email)

    services.accept_invitation(invitation, actor=newcomer)

    rows = Attendance.objects.filter(user=newcomer)
    assert [row.meeting for row in rows] == [coming]
    assert rows.get().status == ""


def test_a_facilitator_who_joins_is_not_on_the_attendance_list(world):
    MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    newcomer = UserFactory()
    invitation = InvitationFactory(
        learning_set=world.learning_set, email=newcomer.email, role="facilitator"
    )

    services.accept_invitation(invitation, actor=newcomer)

    assert not Attendance.objects.filter(user=newcomer).exists()
