"""Demo meetings: each demo set has three held meetings with attendance, airtime, actions and
report-backs, and three to come; running the seed again changes nothing."""

import itertools
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from sessions.demo.meetings import MEETING_PLANS, seed_demo_meetings
from sessions.inaction.reconcile import detect_inaction
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    InactionPrompt,
    Meeting,
    MeetingSeries,
    ReportBack,
)
from sets.management.commands.seed_demo import PROGRAMME_NAME
from sets.models import LearningSet, Membership

COUNTED = [MeetingSeries, Meeting, Attendance, AirtimeSlot, Action, ReportBack]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo_sets(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    seed_demo_meetings()
    return list(LearningSet.objects.filter(programme__name=PROGRAMME_NAME).order_by("name"))


def test_running_twice_changes_nothing(demo_sets):
    before = counts()

    assert seed_demo_meetings() == []

    assert counts() == before
    assert before["Meeting"] == 18


def test_each_demo_set_has_three_held_meetings_and_three_to_come(demo_sets):
    now = timezone.now()
    assert [s.name for s in demo_sets] == sorted(MEETING_PLANS)
    for learning_set in demo_sets:
        meetings = list(learning_set.meetings.order_by("starts_at"))
        held, to_come = meetings[:3], meetings[3:]
        assert [m.status for m in held] == ["held"] * 3
        assert all(m.ends_at < now for m in held)
        assert [m.status for m in to_come] == ["scheduled"] * 3
        assert all(m.starts_at > now for m in to_come)
        # Monthly, on the same weekday at the same local time, in one series.
        zone = ZoneInfo(learning_set.programme.time_zone)
        local = [m.starts_at.astimezone(zone) for m in meetings]
        assert len({(start.weekday(), start.time()) for start in local}) == 1
        months = [start.year * 12 + start.month for start in local]
        assert [later - earlier for earlier, later in itertools.pairwise(months)] == [1] * 5
        assert len({m.series_id for m in meetings}) == 1

        members = set(
            Membership.objects.current()
            .filter(learning_set=learning_set, role="member")
            .values_list("user", flat=True)
        )
        for meeting in held:
            rows = meeting.attendance.all()
            assert members <= {row.user_id for row in rows}
            statuses = [row.status for row in rows]
            assert statuses.count("present") > len(statuses) / 2
            for row in rows:
                if row.status == "apologies":
                    assert row.apologies_sent_at < meeting.starts_at
                else:
                    assert row.apologies_sent_at is None
            assert meeting.process_review
            slots = list(meeting.airtime_slots.all())
            assert len(slots) >= 2
            assert all(slot.topic and slot.actual_seconds > 0 for slot in slots)
            # Every presenter committed to an action in their slot.
            assert {s.pk for s in slots} <= {a.slot_id for a in meeting.actions_committed.all()}
        for meeting in to_come:
            assert {row.user_id for row in meeting.attendance.all()} == members
            apologies = meeting.attendance.filter(status="apologies", apologies_sent_at__lt=now)
            assert apologies.count() == 1
            assert not meeting.attendance.exclude(status__in=["", "apologies"]).exists()

        all_statuses = set(
            Attendance.objects.filter(meeting__in=held).values_list("status", flat=True)
        )
        assert {"present", "late", "apologies", "absent"} <= all_statuses
        outcomes = set(
            ReportBack.objects.filter(meeting__in=held[1:]).values_list("outcome", flat=True)
        )
        assert {"done", "carried"} <= outcomes
        assert not ReportBack.objects.filter(meeting=held[0]).exists()


def test_report_backs_leave_the_actions_as_the_meeting_page_would(demo_sets):
    for learning_set in demo_sets:
        for report in ReportBack.objects.filter(action__learning_set=learning_set):
            action = report.action
            # Heard at a later meeting than the one where it was agreed, from someone there.
            assert report.meeting.starts_at > action.committed_at.starts_at
            assert report.meeting.attendance.get(user=action.owner).attended
            if report.outcome in ("done", "dropped"):
                assert action.status == report.outcome
        for action in Action.objects.filter(learning_set=learning_set):
            carried = action.report_backs.filter(outcome="carried").count()
            assert action.carry_count == carried
            assert action.due_meeting is not None


def planned_action_texts():
    return {
        presenter.action
        for plan in MEETING_PLANS.values()
        for held in plan.held
        for presenter in held.airtime
    }


def test_the_dashboard_has_an_action_carried_at_two_meetings_in_a_row(demo_sets):
    for learning_set in demo_sets:
        detect_inaction(learning_set)

    prompts = InactionPrompt.objects.filter(learning_set__in=demo_sets)
    carried = [
        prompt
        for prompt in prompts.filter(signal="carried_action")
        if {a.text for a in prompt.evidence_actions.all()} <= planned_action_texts()
    ]
    (prompt,) = carried
    (action,) = prompt.evidence_actions.all()
    assert (prompt.learning_set.name, action.owner.name) == ("Set Aurora", "Tom Gallagher")
    assert (action.carry_count, action.status) == (2, "open")
    assert list(action.report_backs.values_list("outcome", flat=True)) == ["carried", "carried"]
    held = list(prompt.learning_set.meetings.filter(status="held").order_by("starts_at"))
    assert set(prompt.evidence_meetings.all()) == set(held[1:])
    # Attendance and airtime are a healthy mix: nobody drifting, silent or dominant.
    quiet = ["silent_member", "airtime_imbalance", "attendance_drift", "below_quorum"]
    assert not prompts.filter(signal__in=[*quiet, "talk_without_action"]).exists()


def test_aurora_shows_bids_for_its_next_meeting_and_a_slot_run_in_phases(demo_sets):
    aurora = next(s for s in demo_sets if s.name == "Set Aurora")
    held, to_come = (
        list(aurora.meetings.filter(status="held")),
        aurora.meetings.filter(status="scheduled"),
    )
    bids = list(to_come.first().bids.order_by("order"))
    assert len(bids) == 3
    assert all(bid.problem and 1 <= bid.minutes <= 240 for bid in bids)
    members = set(aurora.memberships.current().values_list("user", flat=True))
    assert {bid.member_id for bid in bids} <= members
    phased = AirtimeSlot.objects.get(meeting__in=held, phase__gt="")
    assert phased.framing
    kinds = [phase.kind for phase in phased.phases.all()]
    assert kinds == ["presenting", "questions", "reflection", "commitment"]
    assert phased.phase == "commitment"
    assert sum(p.used_seconds for p in phased.phases.all()) == phased.phase_from_seconds
    assert phased.phase_from_seconds < phased.actual_seconds


def test_the_record_keeps_who_wrote_a_report_back_and_who_changed_it(demo_sets):
    aurora = next(s for s in demo_sets if s.name == "Set Aurora")
    reports = ReportBack.objects.filter(action__learning_set=aurora).select_related("action")
    changed = [r for r in reports if r.author_id != r.written_by_id]
    assert len(changed) == 1
    facilitator = aurora.memberships.get(role="facilitator").user
    assert changed[0].author == changed[0].action.owner
    assert changed[0].written_by == facilitator
    # Set Birch keeps a report-back its owner wrote, as they wrote it.
    birch = ReportBack.objects.exclude(action__learning_set=aurora).select_related("action")
    assert any(r.author_id == r.written_by_id == r.action.owner_id for r in birch)
