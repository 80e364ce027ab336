"""Apologies with notice: before the meeting's local day, never without a time sent."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sessions.models import Attendance
from sessions.notice import sent_with_notice, with_notice, with_notice_q
from tests.factories import UserFactory
from tests.sessions.factories import MeetingFactory

LONDON = ZoneInfo("Europe/London")
STARTS = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 in London


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (datetime(2026, 6, 9, 22, 59, tzinfo=UTC), True),  # 23:59 the day before, in London
        (datetime(2026, 6, 9, 23, 0, tzinfo=UTC), False),  # midnight in London: on the day
        (datetime(2026, 6, 10, 8, 0, tzinfo=UTC), False),
        (datetime(2026, 6, 1, 12, 0, tzinfo=UTC), True),
        (None, False),
    ],
)
def test_notice_is_before_the_local_day(sent, expected):
    assert sent_with_notice(sent, STARTS, LONDON) is expected
    assert with_notice(Attendance.Status.APOLOGIES, sent, STARTS, LONDON) is expected
    assert with_notice(Attendance.Status.ABSENT, sent, STARTS, LONDON) is False


@pytest.mark.django_db
def test_the_filter_agrees_with_the_function():
    meeting = MeetingFactory(starts_at=STARTS)
    cases = {
        datetime(2026, 6, 9, 22, 59, tzinfo=UTC): True,
        datetime(2026, 6, 9, 23, 0, tzinfo=UTC): False,
        None: False,
    }
    rows = {
        Attendance.objects.create(
            meeting=meeting,
            user=UserFactory(),
            status=Attendance.Status.APOLOGIES,
            apologies_sent_at=sent,
        ).pk: expected
        for sent, expected in cases.items()
    }
    absent = Attendance.objects.create(
        meeting=meeting,
        user=UserFactory(),
        status=Attendance.Status.ABSENT,
        apologies_sent_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    found = set(Attendance.objects.filter(with_notice_q(LONDON)).values_list("pk", flat=True))
    assert found == {pk for pk, expected in rows.items() if expected}
    assert absent.pk not in found
