"""A known attendance dataset for the report and export tests, built on the `world` fixture.

Set Alpha held three meetings (January and February 2025 in GMT, July 2025 in BST); Set Beta
held one. Each row below is (person, status); the figures the tests expect follow from it.

Alpha, 14 Jan 2025: Fred absent, Lena present, Maya present, Pat late
Alpha, 11 Feb 2025: Fred not recorded, Lena present, Maya apologies, Pat present
Alpha,  8 Jul 2025: Fred present, Lena not recorded (she left on 1 March: not expected),
                    Maya left early, Pat not recorded
Beta,  12 Feb 2025: Olive present, an erased account absent

Neither a scheduled meeting (Maya's apologies ahead) nor a cancelled one counts.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alsspace.models import User
from sessions.models import Attendance
from tests.factories import MembershipFactory
from tests.sessions.factories import MeetingFactory

LONDON = ZoneInfo("Europe/London")

EMAILS = {
    "member": "maya@example.org",
    "pending": "pat@example.org",
    "former": "fred@example.org",
    "other_member": "olive@example.org",
}


def london(year, month, day, hour=9, minute=30):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class AttendanceData:
    world: object
    lena: object
    alpha_meetings: list
    beta_meeting: object
    upcoming: object
    cancelled: object


def held(learning_set, starts_at):
    return MeetingFactory(
        learning_set=learning_set,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        status="held",
    )


def attend(meeting, user, status, apologies_sent_at=None):
    return Attendance.objects.create(
        meeting=meeting, user=user, status=status, apologies_sent_at=apologies_sent_at
    )


def build_attendance(world):
    for role, email in EMAILS.items():
        User.objects.filter(pk=getattr(world, role).pk).update(email=email)
        getattr(world, role).refresh_from_db()
    alpha, beta = world.learning_set, world.other_set
    lena = MembershipFactory(
        learning_set=alpha,
        user__name="Lena Leaver",
        user__email="lena@example.org",
        joined_at=london(2024, 12, 1),
        left_at=london(2025, 3, 1),
    ).user
    maya, pat, fred, olive = world.member, world.pending, world.former, world.other_member

    january = held(alpha, london(2025, 1, 14))
    february = held(alpha, london(2025, 2, 11))
    july = held(alpha, london(2025, 7, 8))
    for user, status in [(fred, "absent"), (lena, "present"), (maya, "present"), (pat, "late")]:
        attend(january, user, status)
    for user, status in [(fred, ""), (lena, "present"), (pat, "present")]:
        attend(february, user, status)
    attend(february, maya, "apologies", datetime(2025, 2, 10, 18, 0, tzinfo=UTC))
    for user, status in [(fred, "present"), (lena, ""), (maya, "left_early"), (pat, "")]:
        attend(july, user, status)

    beta_meeting = held(beta, london(2025, 2, 12, 14, 0))
    attend(beta_meeting, olive, "present")
    attend(beta_meeting, None, "absent")

    upcoming = MeetingFactory(learning_set=alpha)
    attend(upcoming, maya, "apologies", datetime.now(UTC))
    cancelled = MeetingFactory(learning_set=beta, starts_at=london(2025, 3, 12), status="cancelled")
    attend(cancelled, olive, "")
    return AttendanceData(
        world=world,
        lena=lena,
        alpha_meetings=[january, february, july],
        beta_meeting=beta_meeting,
        upcoming=upcoming,
        cancelled=cancelled,
    )
