"""Checking a CSV of people to invite before anything is written.

The whole file is read and every row checked first; the caller invites only when no row
has a problem (services.import_members), so an import is all or nothing. A clean file is
shown first as a preview (who goes to which set in which role, and the sets it would leave
outside 4–8 members, as sets.shape words it); the preview carries the file's text signed
(`sign`), and confirming it checks that text again and invites (`unsign`), so what is
invited is what was shown.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from defusedcsv import csv as safe_csv
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alsspace.inputs import has_nul
from sets import queries, shape
from sets.models import Invitation, LearningSet, Membership
from sets.services import check_can_invite

COLUMNS = ("name", "email", "set", "role")
MAX_ROWS = 1000
XLSX_SIGNATURE = b"PK\x03\x04"  # a workbook is a zip archive
NAME_MAX_LENGTH = Invitation._meta.get_field("name").max_length


class ImportFileError(ValueError):
    """The file as a whole cannot be read as an import; the message says why."""


@dataclass(frozen=True)
class ImportRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    name: str
    email: str
    learning_set: LearningSet
    role: str


@dataclass(frozen=True)
class RowProblem:
    number: int
    values: dict
    reasons: list


@dataclass
class ImportCheck:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def check_import(programme, upload):
    """Read and check an uploaded CSV for this programme.

    Raises ImportFileError when the file cannot be used at all; otherwise returns the clean
    rows, or, if any row is wrong, every problem found (and no rows).
    """
    return check_text(programme, read_upload(upload))


def check_text(programme, text):
    """Check the text of a CSV file for this programme, as `check_import` does."""
    records = _read_records(text)
    sets_by_name = {s.name.casefold(): s for s in programme.sets.all()}
    check = ImportCheck()
    first_seen = {}
    for number, record, extra_cells in records:
        reasons = [_("The row has more cells than there are columns.")] if extra_cells else []
        key = ((record.get("email") or "").lower(), (record.get("set") or "").casefold())
        if all(key) and key in first_seen:
            reasons.append(
                _("Duplicate of row %(row)s: same email and set.") % {"row": first_seen[key]}
            )
        first_seen.setdefault(key, number)
        row = _check_row(number, record, sets_by_name, reasons)
        if row is not None:
            _check_invitable(row, reasons)
        if reasons:
            values = {column: record.get(column) or "" for column in COLUMNS}
            check.problems.append(RowProblem(number, values, reasons))
        else:
            check.rows.append(row)
    if check.problems:
        check.rows = []
    return check


def write_example(out, set_names):
    """Write an example import file to `out`, using the given set names."""
    writer = safe_csv.writer(out)
    writer.writerow(COLUMNS)
    examples = [
        ("Amina Okafor", "amina.okafor@example.org", "facilitator"),
        ("Ben Hughes", "ben.hughes@example.org", "member"),
        ("Carys Jones", "carys.jones@example.org", ""),
    ]
    for index, (name, email, role) in enumerate(examples):
        writer.writerow([name, email, set_names[index % len(set_names)], role])


def read_upload(upload):
    """The uploaded file's text; ImportFileError if it is too large or not UTF-8 text."""
    limit = settings.IMPORT_MAX_BYTES
    # The size is known before the content is read, so an oversized file is never loaded.
    if upload.size > limit:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ImportFileError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    if raw.startswith(XLSX_SIGNATURE):
        raise ImportFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel, use Save As and choose "
                "“CSV UTF-8”."
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text. In Excel, use Save As and choose “CSV UTF-8”.")
        ) from None
    return text


def _read_records(text):
    if not text.strip():
        raise ImportFileError(_("The file is empty."))

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not a readable CSV (%(error)s).") % {"error": error}
        ) from None
    header = [cell.strip().casefold() for cell in rows[0]]
    _check_header(header)

    records = []
    for index, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are common at the end of exported files
        record = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        records.append((index, record, len(cells) > len(header)))
    if not records:
        raise ImportFileError(_("The file has the column headings but no people in it."))
    if len(records) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(count)s people; the limit is %(limit)s. Split it into smaller files.")
            % {
                "count": number_format(len(records), force_grouping=True),
                "limit": number_format(MAX_ROWS, force_grouping=True),
            }
        )
    return records


def _delimiter(text):
    # Spreadsheets in some locales save CSV with semicolons; the header row tells which.
    header_line = text.splitlines()[0]
    return max(",;\t", key=header_line.count)


def _check_header(header):
    expected = ", ".join(COLUMNS)
    missing = [column for column in COLUMNS if column not in header]
    unexpected = [column for column in header if column not in COLUMNS]
    if missing or unexpected or len(set(header)) != len(header):
        found = ", ".join(header) or _("nothing")
        raise ImportFileError(
            _("The first row must be the column headings %(expected)s. It has %(found)s.")
            % {"expected": expected, "found": found}
        )


def _check_row(number, record, sets_by_name, reasons):
    """Append what is wrong with one row to `reasons`; return the row if nothing is."""
    with_nul = [column for column in COLUMNS if has_nul(record.get(column) or "")]
    if with_nul:
        reasons.extend(
            _(
                "The %(column)s holds a NUL character, which cannot be stored. Delete it and "
                "save the file again."
            )
            % {"column": column}
            for column in with_nul
        )
        return None
    name, email = record.get("name") or "", (record.get("email") or "").lower()
    set_name, role = record.get("set") or "", (record.get("role") or "").lower()
    if not name:
        reasons.append(_("Name is missing."))
    elif len(name) > NAME_MAX_LENGTH:
        reasons.append(_("Name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH})
    if not email:
        reasons.append(_("Email is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            reasons.append(_("“%(email)s” is not a valid email address.") % {"email": email})
    learning_set = sets_by_name.get(set_name.casefold())
    if not set_name:
        reasons.append(_("Set is missing."))
    elif learning_set is None:
        reasons.append(
            _("There is no set called “%(name)s” in this programme.") % {"name": set_name}
        )
    elif learning_set.is_closed:
        reasons.append(_("%(set)s is closed.") % {"set": learning_set})
    role = role or Membership.Role.MEMBER
    if role not in Membership.Role.values:
        reasons.append(_("“%(role)s” is not a role; use facilitator or member.") % {"role": role})
    if reasons:
        return None
    return ImportRow(number, name, email, learning_set, role)


def _check_invitable(row, reasons):
    try:
        check_can_invite(row.learning_set, row.email, row.role)
    except ValidationError as error:
        reasons.extend(error.messages)


# The preview and its confirmation

PREVIEW_SALT = "sets.import.preview"
# How long a preview can be confirmed: long enough to check it, short enough that the
# people in the sets have not changed much since.
PREVIEW_MAX_AGE = 60 * 60


def set_warnings(rows):
    """What the import would do to each set's size that is worth a second look (sets.shape:
    warnings, never refusals), counting its members now, those invited and not yet joined,
    and the members in the file; each warning begins with the set's name."""
    sets = {row.learning_set.pk: row.learning_set for row in rows}
    in_file = Counter(row.learning_set.pk for row in rows if row.role == Membership.Role.MEMBER)
    return [
        _("%(set)s: %(warning)s") % {"set": learning_set, "warning": warning}
        for pk, learning_set in sorted(sets.items(), key=lambda item: item[1].name.casefold())
        for warning in shape.size_warnings(*queries.set_size(learning_set), in_file[pk])
    ]


def sign(programme, text):
    """The preview's payload: the file's text, for this programme, signed and compressed."""
    return signing.dumps({"programme": programme.pk, "csv": text}, salt=PREVIEW_SALT, compress=True)


def unsign(programme, payload):
    """The text a preview of this programme's import showed; ImportFileError if the payload
    is not one, or is too old to confirm."""
    try:
        data = signing.loads(payload, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise ImportFileError(
            _("This preview is more than an hour old. Upload the file again to check it afresh.")
        ) from None
    except signing.BadSignature:
        raise ImportFileError(
            _("This is not a preview of an import. Upload the file again.")
        ) from None
    if not isinstance(data, dict) or data.get("programme") != programme.pk:
        raise ImportFileError(_("This preview is of another programme's import."))
    text = data.get("csv")
    if not isinstance(text, str):
        raise ImportFileError(_("This is not a preview of an import. Upload the file again."))
    return text
