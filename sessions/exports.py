"""Attendance exports: generators of rows, and two renderers of them, as pretix does it.

The attendance rows (`attendance_parts`) feed both a streamed CSV (`attendance_csv`) and an
XLSX workbook written in openpyxl's write-only mode (`xlsx_file`), which adds a summary per
member and per set. Rows are read from the database 500 at a time, as ids, through a
server-side cursor, and never held all at once, so memory stays flat however many there are.
Cells that rows repeat (a meeting's, a member's, a status's) are formatted once each, before
the rows, not once per row, which is most of what makes the CSV fast.

An export holds attendance only: programme, set, meeting start, member, email, status and,
for a status of Apologies, when they were sent. Someone who sent apologies and then came is
exported as they were recorded at the meeting, with no apologies time, as the meeting page
and the report's definitions have it. Never a column of what was said (topics, actions,
notes, reviews, pulse, journals). Cells that a spreadsheet would run as a formula are
neutralised.
"""

import re
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from sessions.models import Attendance, Meeting
from sessions.reports.attendance import (
    ERASED_LABEL,
    NOT_RECORDED_LABEL,
    Tally,
    exported_attendance,
    member_summaries,
    period_of,
    report_sets,
    set_summaries,
)
from sets.models import Membership

CHUNK_SIZE = 2000
# The export's rows are read, and its CSV written, this many at a time: a chunk of lines
# costs memory while it is built, and fetching more at once was no faster.
ROWS_PER_WRITE = 500
# openpyxl writes some 5,000 rows a second on a small machine (about twice that when lxml is
# installed, which it then uses), so a bigger workbook could outlast the request. CSV streams
# at over ten times the speed and has no limit.
XLSX_MAX_ROWS = 100_000
BOM = "\ufeff"
LINE_END = "\r\n"
# What makes csv.writer quote a cell (the comma, the quote, a line break), for the same bytes.
CSV_QUOTED = re.compile(r'[,"\r\n]')
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
# A cell starting with one of these is a formula (or starts one) to Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = {**dict(Attendance.Status.choices), "": NOT_RECORDED_LABEL}

# Each export's words are in the language of the person who downloads it.
ATTENDANCE_HEADER = (
    gettext_lazy("Programme"),
    gettext_lazy("Set"),
    gettext_lazy("Meeting start"),
    gettext_lazy("Time zone"),
    gettext_lazy("Member"),
    gettext_lazy("Email"),
    gettext_lazy("Status"),
    gettext_lazy("Apologies sent at"),
)
TALLY_HEADER = (
    gettext_lazy("Attended"),
    gettext_lazy("Apologies"),
    pgettext_lazy("count of absences", "Absent"),
    gettext_lazy("Not recorded"),
    gettext_lazy("Attendance rate (%)"),
)
MEMBERS_HEADER = (
    gettext_lazy("Set"),
    gettext_lazy("Member"),
    gettext_lazy("Email"),
    gettext_lazy("Still in the set"),
    gettext_lazy("Meetings expected"),
    *TALLY_HEADER,
    gettext_lazy("Below threshold"),
)
SETS_HEADER = (
    gettext_lazy("Set"),
    gettext_lazy("Facilitators"),
    gettext_lazy("Meetings held"),
    gettext_lazy("Attendances expected"),
    *TALLY_HEADER,
)
ALL_SETS = gettext_lazy("All sets")


def texts(values):
    """Words marked for translation, in the active language, as plain text."""
    return tuple(str(value) if isinstance(value, Promise) else value for value in values)


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


class _MeetingCells(dict):
    """Each held meeting's cells (programme, set, meeting start, time zone), rendered once
    and reused for all its rows by `render(set_id, set_name, starts_at)`. Read in one query
    before the rows; a meeting the rows name that was not held then (held since) is read on
    its own when met."""

    def __init__(self, scope, render):
        set_names = dict(report_sets(scope).values_list("pk", "name"))
        meetings = Meeting.objects.filter(
            period_of(scope), learning_set__in=list(set_names), status=Meeting.Status.HELD
        ).order_by()
        super().__init__(
            (pk, render(set_id, set_names[set_id], starts_at))
            for pk, set_id, starts_at in meetings.values_list("pk", "learning_set_id", "starts_at")
        )
        self.render = render

    def __missing__(self, pk):
        meeting = Meeting.objects.filter(pk=pk).values_list(
            "learning_set_id", "learning_set__name", "starts_at"
        )
        rendered = self[pk] = self.render(*meeting.get())
        return rendered


def _meeting_cells(scope, render):
    programme, zone = scope.programme, scope.zone
    name, time_zone = programme.name, programme.time_zone

    def cells(set_id, set_name, starts_at):
        return render((name, set_name, _local(starts_at, zone), time_zone))

    return _MeetingCells(scope, cells)


def _csv_meeting_cells(scope):
    """As _meeting_cells with _csv_part, with each set's cells rendered once and each
    meeting's start written as csv_cell writes it."""
    programme, zone = scope.programme, scope.zone
    head, time_zone = _csv_part((programme.name,)), _csv_part((programme.time_zone,))
    sets = {}

    def cells(set_id, set_name, starts_at):
        if set_id not in sets:
            sets[set_id] = head + _csv_part((set_name,))
        return sets[set_id] + _local(starts_at, zone).isoformat(" ", "minutes") + "," + time_zone

    return _MeetingCells(scope, cells)


def _attendance_chunks(scope):
    """The export's rows, ROWS_PER_WRITE at a time, as (meeting id, member id, status, apologies
    sent at), read through a server-side cursor: the ids and the status, with no join's
    columns and no meeting time to parse for each row."""
    rows = exported_attendance(scope).values_list(
        "meeting_id", "user_id", "status", "apologies_sent_at"
    )
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    # In a transaction, so that PostgreSQL's cursor hands rows over as it finds them: outside
    # one, a cursor is declared WITH HOLD, and the database then writes every row aside before
    # the first is read. A streamed CSV outlives the request's transaction, so it opens its
    # own; a workbook, written within the request, is already in one.
    connection = compiler.connection
    own = nullcontext() if connection.in_atomic_block else transaction.atomic(using=rows.db)
    with own, connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(ROWS_PER_WRITE):
            yield chunk


def attendance_parts(scope, render=tuple):
    """One row per counted attendance record, by set, meeting start and member name, in
    parts: the meeting's cells (programme, set, meeting start, time zone), the member's
    (member, email), the status's (its label) and, for apologies, when they were sent.

    Each part is `render`ed once and shared by the rows that repeat it: each meeting's and
    each member's (each read first, in one query) for all their rows, each status's for all
    rows. Memory grows with the programme's meetings and members, never with the rows."""
    zone = scope.zone
    meetings = _meeting_cells(scope, render)
    members = _member_cells_of(scope, render)
    statuses = {status: render((str(label),)) for status, label in STATUS_LABELS.items()}
    apologies = Attendance.Status.APOLOGIES
    for chunk in _attendance_chunks(scope):
        for meeting_id, user_id, status, sent in chunk:
            sent = _local(sent, zone) if status == apologies else None
            yield meetings[meeting_id], members[user_id], statuses[status], sent


def _member_cells_of(scope, render):
    members_ever = Membership.objects.filter(learning_set__in=report_sets(scope))
    people = get_user_model().objects.filter(pk__in=members_ever.values("user"))
    return _MemberCells(people, render, erased=render((str(ERASED_LABEL), "")))


def _csv_lines(scope):
    """The attendance rows as CSV text, a chunk of lines at a time. A line is its meeting's,
    member's and status's rendered cells joined, with the apologies time formatted only on
    the lines that have one."""
    zone = scope.zone
    meetings = _csv_meeting_cells(scope)
    members = _member_cells_of(scope, _csv_part)
    # A status's cell and the line's end: the whole tail of a line without an apologies time.
    tails = {status: _csv_part((label,)) + LINE_END for status, label in STATUS_LABELS.items()}
    apologies = Attendance.Status.APOLOGIES
    sent_tail = _csv_part((STATUS_LABELS[apologies],))

    def apology(sent):
        return sent_tail + csv_cell(_local(sent, zone)) + LINE_END

    for chunk in _attendance_chunks(scope):
        yield "".join(
            [
                meetings[meeting_id]
                + members[user_id]
                + (apology(sent) if status == apologies and sent else tails[status])
                for meeting_id, user_id, status, sent in chunk
            ]
        )


def attendance_rows(scope):
    """The attendance rows as values, for the workbook."""
    for meeting, member, status, apologies_sent_at in attendance_parts(scope):
        yield (*meeting, *member, *status, apologies_sent_at)


def _tally_cells(tally):
    return (tally.attended, tally.apologies, tally.absent, tally.not_recorded, tally.rate)


def member_rows(members):
    for m in members:
        tally = m.tally
        below = _("Yes") if m.below else (_("No") if tally.expected else "")
        still = "" if m.erased else (_("Yes") if m.current else _("No"))
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
    yield (str(ALL_SETS), "", held, total.expected, *_tally_cells(total))


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


# XLSX


def _xlsx_value(sheet, value):
    """Strings are always text (never a formula or an error code), without the control
    characters the format forbids, and an empty one is an empty cell; times get a readable
    format."""
    if isinstance(value, Promise):
        value = str(value)
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
        worksheet = workbook.create_sheet(str(sheet.title))
        for index, width in enumerate(sheet.widths):
            worksheet.column_dimensions[chr(ord("A") + index)].width = width
        worksheet.freeze_panes = "A2"
        worksheet.append([_header_cell(worksheet, text) for text in texts(sheet.header)])
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
    """CSV as UTF-8 bytes with a byte-order mark (so that Excel reads accents and non-Latin
    names): the header at once, then a chunk of ROWS_PER_WRITE lines at a time."""
    yield (BOM + csv_line(texts(ATTENDANCE_HEADER))).encode()
    for lines in _csv_lines(scope):
        yield lines.encode()


def attendance_xlsx(scope, *, now):
    """The attendance rows, then a summary per member and per set for the same sets and
    dates. The summaries cover every status, whatever the export's status filter."""
    members = member_summaries(scope)
    sets = set_summaries(scope, members, now=now)
    return xlsx_file(
        [
            Sheet(
                _("Attendance"),
                ATTENDANCE_HEADER,
                attendance_rows(scope),
                (28, 24, 18, 16, 28, 32, 14, 18),
            ),
            Sheet(
                _("Members"),
                MEMBERS_HEADER,
                member_rows(members),
                (24, 28, 32, 14, 18, 10, 10, 10, 13, 18, 15),
            ),
            Sheet(_("Sets"), SETS_HEADER, set_rows(sets), (24, 32, 14, 20, 10, 10, 10, 13, 18)),
        ]
    )


# The evaluation report (sessions/reports/evaluation.py)

EVALUATION_HEADER = (
    gettext_lazy("Section"),
    gettext_lazy("Set or month"),
    gettext_lazy("Item"),
    gettext_lazy("Value"),
)
HELD_BACK = gettext_lazy("held back")


def _figure(value):
    return str(HELD_BACK) if value is None else value


def story_teller(story):
    """Who a shared value story is by, as its author chose: their name, or no one."""
    if story.author_name:
        return _("told by %(name)s") % {"name": story.author_name}
    return _("anonymised")


def evaluation_rows(report, period):
    """The report's figures, one per row: what the page shows, with "held back" where it
    holds a figure back; then each value story shared with the programme, with its author's
    name only where they chose to be named. Nothing else said in a set, no member's name."""
    report_, attendance = _("Report"), _("Attendance")
    yield (report_, "", _("Programme"), report.scope.programme.name)
    yield (report_, "", _("Period"), period)
    yield (report_, "", _("Fewest people behind a figure"), report.minimum)
    for row in [*report.attendance, report.attendance_total]:
        for label, value in (
            (_("Attendances expected"), row.expected),
            (_("Attended"), row.attended),
            (_("Attended or apologies with notice"), row.committed),
        ):
            yield (attendance, row.name, label, _figure(value))
        if not row.held:
            yield (attendance, row.name, _("Attendance rate (%)"), row.rate)
            yield (attendance, row.name, _("Commitment rate (%)"), row.commitment_rate)
    outcomes = _("Action outcomes")
    for row in [*report.outcomes, report.outcomes_total]:
        for label, value in (
            (pgettext("actions", "Done"), row.done),
            (_("Carried forward"), row.carried),
            (pgettext("actions", "Dropped"), row.dropped),
            (_("Total"), row.total),
        ):
            yield (outcomes, row.name, label, _figure(value))
    # As on the page: no pulse rows when no pulse was published in the period.
    pulse = _("Pulse")
    for month in [*report.pulse, report.pulse_total] if report.pulse else []:
        yield (pulse, month.label, _("Answers"), _figure(month.answers))
        yield (pulse, month.label, _("Mean safety (1 to 7)"), _figure(month.rounded))
    for story in report.stories:
        item = f"{story.cycle_label}, {story_teller(story)}"
        yield (_("Value story"), story.set_name, item, story.text)


def evaluation_csv(report, period):
    """The report as CSV text, with a byte-order mark for spreadsheets; cells that would run as
    a formula are neutralised (a set's name is its facilitator's choice)."""
    yield BOM + csv_line(texts(EVALUATION_HEADER))
    for row in evaluation_rows(report, period):
        yield csv_line(row)
