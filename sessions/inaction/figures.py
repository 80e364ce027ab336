"""The facilitator dashboard's figures, from the same SetHistory the signals read: the
attendance grid, each member's share of airtime, the action flow per meeting and the pulse
trend. Plain numbers here; sessions.charts draws them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from alsspace.models import User
from sessions.inaction.history import SetHistory, airtime_seconds
from sessions.models import Attendance, Meeting, ReportBack
from sessions.pulse import Result

# What a grid cell shows: a short mark for the eye and the words for everyone else.
MARKS: dict[str, tuple[str | Promise, str | Promise]] = {
    Attendance.Status.PRESENT: ("✓", gettext_lazy("Present")),
    Attendance.Status.LATE: (pgettext_lazy("attendance mark for late", "L"), gettext_lazy("Late")),
    Attendance.Status.LEFT_EARLY: (
        pgettext_lazy("attendance mark for left early", "E"),
        gettext_lazy("Left early"),
    ),
    Attendance.Status.APOLOGIES: (
        pgettext_lazy("attendance mark for apologies", "A"),
        gettext_lazy("Apologies"),
    ),
    Attendance.Status.ABSENT: ("✗", gettext_lazy("Absent")),
    "": ("·", gettext_lazy("Not recorded")),
}


@dataclass(frozen=True)
class Cell:
    status: str
    mark: str | Promise
    words: str | Promise


@dataclass(frozen=True)
class GridRow:
    member: User
    cells: list[Cell]
    attended: int  # held meetings attended
    held: int  # held meetings with a row for them


def attendance_grid(history: SetHistory) -> tuple[list[Meeting], list[GridRow]]:
    """One row per current member, one column per held meeting and then the next one."""
    columns = history.held + ([history.next_meeting] if history.next_meeting else [])
    rows = []
    for member in history.members:
        cells = []
        for meeting in columns:
            status = history.status(meeting, member)
            cells.append(Cell(status, *MARKS[status]))
        recorded = [
            history.status(m, member)
            for m in history.held
            if (m.pk, member.pk) in history.attendance
        ]
        attended = sum(1 for status in recorded if status in Attendance.ATTENDED)
        rows.append(GridRow(member, cells, attended, len(recorded)))
    return columns, rows


@dataclass(frozen=True)
class Share:
    member: User
    minutes: int
    percent: int


def airtime_shares(history: SetHistory, count: int) -> tuple[list[Meeting], list[Share], int]:
    """Each current member's airtime over the last `count` held meetings (fewer if the set
    has not met that often), largest first, and those meetings."""
    window = history.held[-count:] if count else []
    slots = [slot for meeting in window for slot in history.slots.get(meeting.pk, [])]
    total = sum(airtime_seconds(slot) for slot in slots)
    shares = []
    for member in history.members:
        own = sum(airtime_seconds(slot) for slot in slots if slot.presenter_id == member.pk)
        percent = round(own * 100 / total) if total else 0
        shares.append(Share(member, round(own / 60), percent))
    shares.sort(key=lambda share: (-share.minutes, share.member.name))
    return window, shares, total


@dataclass(frozen=True)
class Flow:
    meeting: Meeting
    committed: int
    done: int
    carried: int
    dropped: int


def action_flow(history: SetHistory) -> list[Flow]:
    """Per held meeting: actions committed there, and report-backs there saying done,
    carried forward and dropped."""
    counts = {m.pk: {"committed": 0, "done": 0, "carried": 0, "dropped": 0} for m in history.held}
    outcomes: dict[str, str] = {
        ReportBack.Outcome.DONE: "done",
        ReportBack.Outcome.CARRIED: "carried",
        ReportBack.Outcome.DROPPED: "dropped",
    }
    for action in history.actions:
        if action.committed_at_id in counts:
            counts[action.committed_at_id]["committed"] += 1
        for report in history.reports.get(action.pk, []):
            if report.meeting_id in counts and report.outcome in outcomes:
                counts[report.meeting_id][outcomes[report.outcome]] += 1
    return [Flow(meeting, **counts[meeting.pk]) for meeting in history.held]


def pulse_trend(history: SetHistory) -> list[Result]:
    """Every held meeting's pulse Result, earliest first; the chart plots those shown."""
    return [history.pulse[meeting.pk] for meeting in history.held]
