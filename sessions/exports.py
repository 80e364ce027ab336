"""Attendance exports: generators of rows, and two renderers of them, as pretix does it.

The attendance rows (`attendance_parts`) feed both a streamed CSV (`attendance_csv`) and an
XLSX workbook written in openpyxl's write-only mode (`xlsx_file`), which adds a summary per
member and per set. Rows are read from the database 2,000 at a time and never held all at
once, so memory stays flat however many there are. Cells that rows repeat (a meeting's, a
member's, a status's) are formatted once each, not once per row, which is most of what makes
the CSV fast.

An export holds attendance only: programme, set, meeting start, member, email, status and,
for a status of Apologies, when they were sent. Someone who sent apologies and then came is
exported as they were recorded at the meeting, with no apologies time, as the meeting page
and the report's definitions have it. Never a column of what was said (topics, actions,
notes, reviews, pulse, journals). Cells that a spreadsheet would run as a formula are
neutralised.
"""

import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.contrib.auth import get_user_model
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from sessions.models import Attendance
from sessions.reports.attendance import (
    ERASED_NAME,
    NOT_RECORDED_LABEL,
    Tally,
    exported_attendance,
    member_summaries,
    report_sets,
    set_summaries,
)
from sets.models import Membership

CHUNK_SIZE = 2000
# openpyxl writes some 5,000 rows a second on a small machine (about twice that when lxml is
# installed, which it then uses), so a bigger workbook could outlast the request. CSV streams
# at over ten times the speed and has no limit.
XLSX_MAX_ROWS = 100_000
ROWS_PER_WRITE = 500
BOM = "\ufeff"
LINE_END = "\r\n"
# What makes csv.writer quote a cell (the comma, the quote, a line break), for the same bytes.
CSV_QUOTED = re.compile(r'[,"\r\n]')
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
# A cell starting with one of these is a formula (or starts one) to Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = {**dict(Attendance.Status.choices), "": NOT_RECORDED_LABEL}

ATTENDANCE_HEADER = (
    "Programme",
    "Set",
    "Meeting start",
    "Time zone",
    "Member",
    "Email",
    "Status",
    "Apologies sent at",
)
TALLY_HEADER = ("Attended", "Apologies", "Absent", "Not recorded", "Attendance rate (%)")
MEMBERS_HEADER = (
    "Set",
    "Member",
    "Email",
    "Still in the set",
    "Meetings expected",
    *TALLY_HEADER,
    "Below threshold",
)
SETS_HEADER = ("Set", "Facilitators", "Meetings held", "Attendances expected", *TALLY_HEADER)
ALL_SETS = "All sets"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple
    rows: object  # an iterable of rows, each a sequence of values
    widths: tuple


# The rows


def _local(moment, zone):
    """A wall-clock time in the programme's zone; the zone is a column of its own."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment else None


def _member_cells(people):
    """Each of `people` as their id and cells: member, email."""
    found = people.order_by().values_list("pk", "name", "email")
    for pk, name, email in found.iterator(chunk_size=CHUNK_SIZE):
        yield pk, (name or email, email or "")


class _MemberCells(dict):
    """Each member's cells (member, email), rendered once and reused for all their rows. Read
    in bulk before the rows; someone a row names who was not there then (their first record
    made since) is read on their own when met, and someone no longer there at all has been
    erased since."""

    def __init__(self, people, render, erased):
        super().__init__((pk, render(cells)) for pk, cells in _member_cells(people))
        self[None] = self.erased = erased
        self.render = render

    def __missing__(self, pk):
        people = get_user_model().objects.filter(pk=pk)
        cells = dict(_member_cells(people)).get(pk)
        rendered = self[pk] = self.erased if cells is None else self.render(cells)
        return rendered


def attendance_parts(scope, render=tuple):
    """One row per counted attendance record, by set, meeting start and member name, in
    parts: the meeting's cells (programme, set, meeting start, time zone), the member's
    (member, email), the status's (its label) and, for apologies, when they were sent.

    Each part is `render`ed once and shared by the rows that repeat it: a meeting's cells
    while its rows follow one another, each member's (read first, in one query) for all their
    rows, each status's for all rows. Memory grows with the programme's sets and members,
    never with the rows."""
    programme, zone = scope.programme, scope.zone
    set_names = dict(report_sets(scope).values_list("pk", "name"))
    statuses = {status: render((label,)) for status, label in STATUS_LABELS.items()}
    members_ever = Membership.objects.filter(learning_set__in=report_sets(scope))
    people = get_user_model().objects.filter(pk__in=members_ever.values("user"))
    members = _MemberCells(people, render, erased=render((ERASED_NAME, "")))
    rows = (
        exported_attendance(scope)
        .values_list(
            "meeting_id",
            "meeting__learning_set_id",
            "meeting__starts_at",
            "user_id",
            "status",
            "apologies_sent_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    meeting_id = meeting = None
    for row_meeting_id, set_id, starts_at, user_id, status, apologies_sent_at in rows:
        # The rows come meeting by meeting: render each meeting's cells as its rows begin.
        if row_meeting_id != meeting_id:
            meeting_id = row_meeting_id
            meeting = render(
                (programme.name, set_names[set_id], _local(starts_at, zone), programme.time_zone)
            )
        sent = _local(apologies_sent_at, zone) if status == Attendance.Status.APOLOGIES else None
        yield meeting, members[user_id], statuses[status], sent


def attendance_rows(scope):
    """The attendance rows as values, for the workbook."""
    for meeting, member, status, apologies_sent_at in attendance_parts(scope):
        yield (*meeting, *member, *status, apologies_sent_at)


def _tally_cells(tally):
    return (tally.attended, tally.apologies, tally.absent, tally.not_recorded, tally.rate)


def member_rows(members):
    for m in members:
        tally = m.tally
        below = "Yes" if m.below else ("No" if tally.expected else "")
        still = "" if m.erased else ("Yes" if m.current else "No")
        yield (m.set_name, m.name, m.email, still, tally.expected, *_tally_cells(tally), below)


def set_rows(sets):
    """Each set's totals, then all of them together."""
    total = Tally()
    for s in sets:
        total += s.tally
        yield (
            s.learning_set.name,
            ", ".join(s.facilitators),
            s.meetings_held,
            s.tally.expected,
            *_tally_cells(s.tally),
        )
    held = sum(s.meetings_held for s in sets)
    yield (ALL_SETS, "", held, total.expected, *_tally_cells(total))


# CSV


def neutralise(text):
    """Text a spreadsheet would run as a formula, kept as text by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value):
    """One cell as CSV text: a formula neutralised, and quoted as csv.writer quotes it (only
    when it holds a comma, a quote or a line break)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # As strftime("%Y-%m-%d %H:%M") writes it, in a fraction of the time.
        return value.isoformat(" ", "minutes")
    text = neutralise(str(value))
    return '"' + text.replace('"', '""') + '"' if CSV_QUOTED.search(text) else text


def csv_line(values):
    return ",".join(map(csv_cell, values)) + LINE_END


def _csv_part(values):
    """Cells that begin a line, ready for the next cell to follow."""
    return "".join(csv_cell(value) + "," for value in values)


def csv_chunks(header, lines):
    """CSV as UTF-8 bytes with a byte-order mark (so that Excel reads accents and non-Latin
    names), the header at once, then a chunk every few hundred lines."""
    yield (BOM + csv_line(header)).encode()
    lines = iter(lines)
    while chunk := "".join(islice(lines, ROWS_PER_WRITE)):
        yield chunk.encode()


# XLSX


def _xlsx_value(sheet, value):
    """Strings are always text (never a formula or an error code), without the control
    characters the format forbids, and an empty one is an empty cell; times get a readable
    format."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not text:
            return None
        if text.startswith("=") or text in ERROR_CODES:
            cell = WriteOnlyCell(sheet, text)
            cell.data_type = "s"
            return cell
        return text
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATETIME
        return cell
    return value


def _header_cell(sheet, text):
    cell = WriteOnlyCell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def xlsx_file(sheets):
    """The workbook in a temporary file on disk, rewound to its start."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        for index, width in enumerate(sheet.widths):
            worksheet.column_dimensions[chr(ord("A") + index)].width = width
        worksheet.freeze_panes = "A2"
        worksheet.append([_header_cell(worksheet, text) for text in sheet.header])
        for row in sheet.rows:
            worksheet.append([_xlsx_value(worksheet, value) for value in row])
    # The response streams the file and closes it, which deletes it.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


# The exports


def attendance_csv(scope):
    lines = (
        meeting + member + status + csv_cell(apologies_sent_at) + LINE_END
        for meeting, member, status, apologies_sent_at in attendance_parts(scope, _csv_part)
    )
    return csv_chunks(ATTENDANCE_HEADER, lines)


def attendance_xlsx(scope, *, now):
    """The attendance rows, then a summary per member and per set for the same sets and
    dates. The summaries cover every status, whatever the export's status filter."""
    members = member_summaries(scope)
    sets = set_summaries(scope, members, now=now)
    return xlsx_file(
        [
            Sheet(
                "Attendance",
                ATTENDANCE_HEADER,
                attendance_rows(scope),
                (28, 24, 18, 16, 28, 32, 14, 18),
            ),
            Sheet(
                "Members",
                MEMBERS_HEADER,
                member_rows(members),
                (24, 28, 32, 14, 18, 10, 10, 10, 13, 18, 15),
            ),
            Sheet("Sets", SETS_HEADER, set_rows(sets), (24, 32, 14, 20, 10, 10, 10, 13, 18)),
        ]
    )
