"""Attendance exports: generators of rows, and two renderers of them, as pretix does it.

The attendance rows (`attendance_rows`) feed both a streamed CSV (`csv_chunks`) and an XLSX
workbook written in openpyxl's write-only mode (`xlsx_file`), which adds a summary per member
and per set. Rows are read from the database 2,000 at a time and never held all at once, so
memory stays flat however many there are.

An export holds attendance only: programme, set, meeting start, member, email, status and
when apologies were sent. Never a column of what was said (topics, actions, notes, reviews,
pulse, journals). Cells that a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import datetime

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
    set_summaries,
)

CHUNK_SIZE = 2000
# openpyxl writes some 5,000 rows a second on a small machine (about twice that when lxml is
# installed, which it then uses), so a bigger workbook could outlast the request. CSV streams
# at over ten times the speed and has no limit.
XLSX_MAX_ROWS = 100_000
ROWS_PER_WRITE = 500
BOM = "\ufeff"
CSV_DATETIME = "%Y-%m-%d %H:%M"
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


def attendance_rows(scope):
    """One row per counted attendance record, by set, meeting start and member name."""
    zone = scope.zone
    programme = scope.programme.name
    zone_name = scope.programme.time_zone
    rows = (
        exported_attendance(scope)
        .values_list(
            "meeting__learning_set__name",
            "meeting__starts_at",
            "user_id",
            "user__name",
            "user__email",
            "status",
            "apologies_sent_at",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for set_name, starts_at, user_id, name, email, status, apologies_sent_at in rows:
        yield (
            programme,
            set_name,
            _local(starts_at, zone),
            zone_name,
            (name or email) if user_id else ERASED_NAME,
            email or "",
            STATUS_LABELS[status],
            _local(apologies_sent_at, zone),
        )


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


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME)
    return neutralise(str(value))


def csv_chunks(header, rows):
    """CSV as UTF-8 bytes with a byte-order mark (so that Excel reads accents and non-Latin
    names), the header at once, then a chunk every few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([csv_text(value) for value in header])
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, 1):
        writer.writerow([csv_text(value) for value in row])
        if count % ROWS_PER_WRITE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


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
    return csv_chunks(ATTENDANCE_HEADER, attendance_rows(scope))


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
