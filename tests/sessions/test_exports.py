"""Attendance exports: the exact CSV, the workbook and its summaries, formula injection,
hostile names, who may export, that no content ever appears, the audit event, bad input."""

import csv
import io
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.urls import resolve, reverse
from openpyxl import load_workbook

from alsspace.models import AuditEvent
from sessions import exports
from sessions.audit_actions import MeetingAction
from sessions.models import Action, AirtimeSlot, Attendance, ReportBack
from sessions.reports.attendance import ReportScope
from tests.factories import MembershipFactory, ProgrammeFactory, SetFactory, UserFactory
from tests.sessions.attendance_data import attend, build_attendance, held, london

ROW_START = "Northfield Leaders 2026,Set Alpha,"
EXPECTED_CSV = (
    "\ufeffProgramme,Set,Meeting start,Time zone,Member,Email,Status,Apologies sent at\r\n"
    f"{ROW_START}2025-01-14 09:30,Europe/London,Fred Former,fred@example.org,Absent,\r\n"
    f"{ROW_START}2025-01-14 09:30,Europe/London,Lena Leaver,lena@example.org,Present,\r\n"
    f"{ROW_START}2025-01-14 09:30,Europe/London,Maya Member,maya@example.org,Present,\r\n"
    f"{ROW_START}2025-01-14 09:30,Europe/London,Pat Pending,pat@example.org,Late,\r\n"
    f"{ROW_START}2025-02-11 09:30,Europe/London,Fred Former,fred@example.org,Not recorded,\r\n"
    f"{ROW_START}2025-02-11 09:30,Europe/London,Lena Leaver,lena@example.org,Present,\r\n"
    f"{ROW_START}2025-02-11 09:30,Europe/London,Maya Member,maya@example.org,Apologies,"
    "2025-02-10 18:00\r\n"
    f"{ROW_START}2025-02-11 09:30,Europe/London,Pat Pending,pat@example.org,Present,\r\n"
    f"{ROW_START}2025-07-08 09:30,Europe/London,Fred Former,fred@example.org,Present,\r\n"
    f"{ROW_START}2025-07-08 09:30,Europe/London,Maya Member,maya@example.org,Left early,\r\n"
    f"{ROW_START}2025-07-08 09:30,Europe/London,Pat Pending,pat@example.org,Not recorded,\r\n"
    "Northfield Leaders 2026,Set Beta,2025-02-12 14:00,Europe/London,Olive Other,"
    "olive@example.org,Present,\r\n"
    "Northfield Leaders 2026,Set Beta,2025-02-12 14:00,Europe/London,Former member (erased),"
    ",Absent,\r\n"
).encode()


@pytest.fixture
def data(world):
    return build_attendance(world)


@pytest.fixture
def as_admin(client, world):
    client.force_login(world.admin)
    return client


def programme_export(world, **query):
    url = reverse("meetings:attendance_export", args=[world.programme.pk])
    return f"{url}?{urlencode(query)}" if query else url


def set_export(learning_set, **query):
    url = reverse("meetings:set_attendance_export", args=[learning_set.pk])
    return f"{url}?{urlencode(query)}" if query else url


def body(response):
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"), newline="")))


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# The CSV


def test_a_known_dataset_gives_exactly_the_expected_csv(as_admin, data):
    response = as_admin.get(programme_export(data.world, format="csv"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="northfield-leaders-2026-attendance.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == EXPECTED_CSV


def test_csv_is_the_default_format(as_admin, data):
    assert body(as_admin.get(programme_export(data.world))) == EXPECTED_CSV


def test_a_facilitator_exports_their_own_set(client, data):
    world = data.world
    client.force_login(world.facilitator)
    response = client.get(set_export(world.learning_set))
    rows = csv_rows(response)
    assert len(rows) == 1 + 11
    assert {row[1] for row in rows[1:]} == {"Set Alpha"}
    assert response["Content-Disposition"] == (
        'attachment; filename="northfield-leaders-2026-set-alpha-attendance.csv"'
    )


def alpha(*names):
    return [("Set Alpha", name) for name in names]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"set": "beta"}, [("Set Beta", "Olive Other"), ("Set Beta", "Former member (erased)")]),
        ({"from": "2025-07-01"}, alpha("Fred Former", "Maya Member", "Pat Pending")),
        ({"to": "2025-01-14"}, alpha("Fred Former", "Lena Leaver", "Maya Member", "Pat Pending")),
        (
            {"from": "2025-02-11", "to": "2025-02-11"},
            alpha("Fred Former", "Lena Leaver", "Maya Member", "Pat Pending"),
        ),
        ({"status": "apologies"}, alpha("Maya Member")),
        ({"status": "not_recorded"}, alpha("Fred Former", "Pat Pending")),
        ({"status": "absent", "set": "beta"}, [("Set Beta", "Former member (erased)")]),
    ],
)
def test_filters_narrow_the_rows(as_admin, data, query, expected):
    if query.get("set") == "beta":
        query = {**query, "set": data.world.other_set.pk}
    rows = csv_rows(as_admin.get(programme_export(data.world, **query)))
    assert [(row[1], row[4]) for row in rows[1:]] == expected


def test_the_file_name_carries_the_dates(as_admin, data):
    response = as_admin.get(programme_export(data.world, **{"from": "2025-01-01"}))
    assert response["Content-Disposition"] == (
        'attachment; filename="northfield-leaders-2026-attendance-2025-01-01-to-now.csv"'
    )


def test_a_day_ends_at_midnight_in_the_programmes_time_zone(as_admin, world):
    """A meeting at 23:30 in New York on 1 March is on 1 March there, whatever UTC says."""
    world.programme.time_zone = "America/New_York"
    world.programme.save()
    late = held(world.learning_set, datetime(2025, 3, 2, 4, 30, tzinfo=UTC))
    attend(late, world.member, "present")
    rows = csv_rows(
        as_admin.get(programme_export(world, **{"from": "2025-03-01", "to": "2025-03-01"}))
    )
    assert rows[1][2:4] == ["2025-03-01 23:30", "America/New_York"]
    rows = csv_rows(as_admin.get(programme_export(world, **{"from": "2025-03-02"})))
    assert len(rows) == 1


# The workbook


def test_the_workbook_opens_and_its_summaries_add_up(as_admin, data):
    response = as_admin.get(programme_export(data.world, format="xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="northfield-leaders-2026-attendance.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Attendance", "Members", "Sets"]

    attendance = values(book["Attendance"])
    expected_rows = list(csv.reader(io.StringIO(EXPECTED_CSV.decode("utf-8-sig"), newline="")))
    assert attendance[0] == expected_rows[0]
    assert len(attendance) == len(expected_rows)
    first = attendance[1]
    assert first[2] == datetime(2025, 1, 14, 9, 30)
    assert book["Attendance"]["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert first[4:7] == ["Fred Former", "fred@example.org", "Absent"]
    assert attendance[7][7] == datetime(2025, 2, 10, 18, 0)

    members = values(book["Members"])
    assert members[0] == [
        "Set", "Member", "Email", "Still in the set", "Meetings expected", "Attended",
        "Apologies", "Absent", "Not recorded", "Attendance rate (%)", "Below threshold",
    ]  # fmt: skip
    by_name = {row[1]: row for row in members[1:]}
    assert by_name["Maya Member"][3:] == ["Yes", 3, 2, 1, 0, 0, 66, "Yes"]
    assert by_name["Pat Pending"][3:] == ["Yes", 3, 2, 0, 0, 1, 66, "Yes"]
    assert by_name["Fred Former"][3:] == ["No", 3, 1, 0, 1, 1, 33, "Yes"]
    assert by_name["Lena Leaver"][3:] == ["No", 2, 2, 0, 0, 0, 100, "No"]
    assert by_name["Olive Other"][3:] == ["Yes", 1, 1, 0, 0, 0, 100, "No"]
    assert by_name["Former member (erased)"][2:] == [None, None, 1, 0, 0, 1, 0, 0, "Yes"]
    # Every attendance row is one expected meeting of one member.
    assert sum(row[4] for row in members[1:]) == len(attendance) - 1

    sets = values(book["Sets"])
    assert sets[0][:4] == ["Set", "Facilitators", "Meetings held", "Attendances expected"]
    assert sets[1] == ["Set Alpha", "Fay Facilitator", 3, 11, 7, 1, 1, 2, 63]
    assert sets[2] == ["Set Beta", None, 1, 2, 1, 0, 1, 0, 50]
    assert sets[3] == ["All sets", None, 4, 13, 8, 1, 2, 2, 61]
    for column in range(3, 8):
        assert sets[3][column] == sum(row[column] for row in sets[1:3])
        assert sets[3][column] == sum(row[column + 1] for row in members[1:])


def test_the_workbooks_summaries_ignore_the_status_filter(as_admin, data):
    book = workbook(as_admin.get(programme_export(data.world, format="xlsx", status="absent")))
    assert len(values(book["Attendance"])) == 1 + 2
    assert values(book["Sets"])[-1][3] == 13


def test_a_member_with_nothing_expected_yet_is_listed(as_admin, data):
    MembershipFactory(learning_set=data.world.learning_set, user__name="Nia New")
    book = workbook(as_admin.get(programme_export(data.world, format="xlsx")))
    nia = next(row for row in values(book["Members"]) if row[1] == "Nia New")
    assert nia[3:] == ["Yes", 0, 0, 0, 0, 0, None, None]


# Hostile content


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\tTab",
    "\rReturn",
]


@pytest.fixture
def hostile(world):
    meeting = held(world.learning_set, london(2025, 5, 6))
    people = []
    for name in FORMULAS:
        person = MembershipFactory(learning_set=world.learning_set, user__name=name).user
        attend(meeting, person, "present")
        people.append(person)
    return meeting


def test_formulas_are_neutralised_in_the_csv(as_admin, world, hostile):
    rows = csv_rows(as_admin.get(programme_export(world)))
    names = [row[4] for row in rows[1:]]
    assert sorted(names) == sorted("'" + name for name in FORMULAS)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_formulas_stay_text_in_the_workbook(as_admin, world, hostile):
    book = workbook(as_admin.get(programme_export(world, format="xlsx")))
    sheet = book["Attendance"]
    names = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == sorted(FORMULAS)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_a_set_name_is_guarded_too(as_admin, world):
    evil = SetFactory(programme=world.programme, name="=cmd|' /C calc'!A0")
    person = MembershipFactory(learning_set=evil, user__name="Sam Set").user
    attend(held(evil, london(2025, 4, 1)), person, "present")
    rows = csv_rows(as_admin.get(programme_export(world, set=evil.pk)))
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


HOSTILE_NAME = 'Zoë "Z" O\'Brien, Jr.\nСветлана Ильина 李小龍 ضياء'


def test_a_name_with_commas_quotes_newlines_and_other_scripts_survives(as_admin, world):
    world.member.name = HOSTILE_NAME
    world.member.save()
    attend(held(world.learning_set, london(2025, 4, 1)), world.member, "present")
    raw = body(as_admin.get(programme_export(world)))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[1][4] == HOSTILE_NAME
    book = workbook(as_admin.get(programme_export(world, format="xlsx")))
    assert book["Attendance"]["E2"].value == HOSTILE_NAME


@pytest.mark.parametrize(
    "name", [HOSTILE_NAME, 'Say "hi"', "Comma, only", "Carriage\rreturn", " Spaced ", "Tab\tin"]
)
def test_csv_lines_are_written_as_csv_writer_writes_them(name):
    expected = io.StringIO()
    csv.writer(expected).writerow(["Programme", name, "", "2025-04-01 09:30", "", "7"])
    values = ("Programme", name, None, datetime(2025, 4, 1, 9, 30), "", 7)
    assert exports.csv_line(values) == expected.getvalue()


def test_someone_recorded_without_a_membership_is_named(as_admin, world):
    guest = UserFactory(name="Gita Guest", email="gita@example.org")
    attend(held(world.learning_set, london(2025, 4, 1)), guest, "present")
    rows = csv_rows(as_admin.get(programme_export(world)))
    assert rows[1][4:7] == ["Gita Guest", "gita@example.org", "Present"]


def test_the_csv_takes_three_queries_whatever_the_meetings_and_members(
    data, django_assert_num_queries
):
    """The set names, the members, then the rows: nothing is read once per row."""
    with django_assert_num_queries(3):
        assert b"".join(exports.attendance_csv(ReportScope(data.world.programme))) == EXPECTED_CSV


def test_characters_a_workbook_cannot_hold_are_left_out(as_admin, world):
    world.member.name = "Bell\x07 Person\x1b"
    world.member.save()
    attend(held(world.learning_set, london(2025, 4, 1)), world.member, "present")
    book = workbook(as_admin.get(programme_export(world, format="xlsx")))
    assert book["Attendance"]["E2"].value == "Bell Person"
    assert csv_rows(as_admin.get(programme_export(world)))[1][4] == "Bell\x07 Person\x1b"


# What an export never holds


TOPIC = "Topic: the merger nobody is meant to know about"
ACTION = "Action: tell the CFO about the hidden losses"
NOTE = "Note: I finally said it to the board"
REVIEW = "Review: we interrupted Priya too often"


@pytest.fixture
def content(data):
    meeting = data.alpha_meetings[0]
    meeting.process_review = REVIEW
    meeting.save()
    slot = AirtimeSlot.objects.create(meeting=meeting, presenter=data.world.member, topic=TOPIC)
    action = Action.objects.create(
        learning_set=data.world.learning_set,
        owner=data.world.member,
        committed_at=meeting,
        slot=slot,
        text=ACTION,
    )
    ReportBack.objects.create(
        action=action, meeting=data.alpha_meetings[1], outcome="done", note=NOTE
    )
    return data


def _all_text(response, file_format):
    if file_format == "csv":
        return body(response).decode("utf-8-sig")
    book = workbook(response)
    return "\n".join(
        str(value) for sheet in book.worksheets for row in values(sheet) for value in row
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["admin", "facilitator"])
def test_no_content_ever_appears_in_an_export(client, content, who, file_format):
    world = content.world
    client.force_login(getattr(world, who))
    url = (
        programme_export(world, format=file_format)
        if who == "admin"
        else set_export(world.learning_set, format=file_format)
    )
    text = _all_text(client.get(url), file_format)
    assert "Maya Member" in text
    for secret in (TOPIC, ACTION, NOTE, REVIEW, world.contract.text):
        assert secret not in text


# Who may export


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("facilitator", "other_set", 404),
        ("facilitator", "programme", 404),
        ("member", "own_set", 403),
        ("pending", "own_set", 403),
        ("member", "programme", 404),
        ("other_member", "own_set", 404),
        ("other_member", "other_set", 403),
        ("former", "own_set", 404),
        ("outsider", "own_set", 404),
        ("outsider", "programme", 404),
    ],
)
def test_who_may_not_export(client, data, who, url, status):
    world = data.world
    client.force_login(getattr(world, who))
    target = {
        "own_set": set_export(world.learning_set),
        "other_set": set_export(world.other_set),
        "programme": programme_export(world),
    }[url]
    assert client.get(target).status_code == status
    assert not AuditEvent.objects.filter(action=MeetingAction.ATTENDANCE_EXPORTED).exists()


def test_an_admin_of_another_programme_gets_404(client, data):
    other_admin = UserFactory()
    ProgrammeFactory(admins=[other_admin])
    client.force_login(other_admin)
    assert client.get(programme_export(data.world)).status_code == 404
    assert client.get(set_export(data.world.learning_set)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, data):
    response = client.get(programme_export(data.world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The audit trail


def test_every_export_is_an_audit_event_with_its_filters(as_admin, data):
    world = data.world
    filters = {"set": world.learning_set.pk, "from": "2025-01-01", "to": "2025-06-30"}
    body(as_admin.get(programme_export(world, format="xlsx", status="present", **filters)))
    event = AuditEvent.objects.get(action=MeetingAction.ATTENDANCE_EXPORTED)
    assert event.actor == world.admin
    assert event.programme_id == world.programme.pk
    assert event.subject == "Set Alpha (Northfield Leaders 2026)"
    assert event.detail == {
        "format": "XLSX",
        "set": "Set Alpha",
        "from": "2025-01-01",
        "to": "2025-06-30",
        "status": "Present",
        "rows": 4,
    }


def test_a_facilitators_export_is_audited_in_the_programme(client, data):
    client.force_login(data.world.facilitator)
    body(client.get(set_export(data.world.learning_set)))
    event = AuditEvent.objects.get(action=MeetingAction.ATTENDANCE_EXPORTED)
    assert (event.actor, event.programme_id) == (data.world.facilitator, data.world.programme.pk)
    assert event.detail["format"] == "CSV"
    assert event.detail["set"] == "Set Alpha"
    assert event.detail["rows"] == 11


def test_exports_run_outside_the_request_transaction(world):
    for url in (programme_export(world), set_export(world.learning_set)):
        assert resolve(url).func._non_atomic_requests == {"default"}


# Bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"format": "pdf"}, "“pdf” is not a format we export. Choose csv or xlsx."),
        ({"from": "2025-13-01"}, "Enter a date as year-month-day, such as 2026-03-31."),
        ({"to": "yesterday"}, "Enter a date as year-month-day, such as 2026-03-31."),
        (
            {"from": "1850-01-01"},
            "Choose a date between 1 January 2000 and 31 December 2100, not 1850-01-01.",
        ),
        (
            {"to": "9999-12-31"},
            "Choose a date between 1 January 2000 and 31 December 2100, not 9999-12-31.",
        ),
        (
            {"from": "2025-03-01", "to": "2025-02-01"},
            "The last day, 1 February 2025, is before the first, 1 March 2025.",
        ),
        ({"status": "asleep"}, "“asleep” is not an attendance status."),
        ({"set": "not-a-number"}, "That set is not in this programme."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_message(as_admin, data, query, message):
    response = as_admin.get(programme_export(data.world, **query))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action=MeetingAction.ATTENDANCE_EXPORTED).exists()


def test_an_excel_download_too_large_to_make_in_time_points_to_csv(as_admin, data, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 12)
    response = as_admin.get(programme_export(data.world, format="xlsx"))
    assert response.status_code == 400
    assert "These filters select 13 rows; an Excel download holds up to 12." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action=MeetingAction.ATTENDANCE_EXPORTED).exists()
    assert body(
        as_admin.get(programme_export(data.world, format="xlsx", set=data.world.other_set.pk))
    )
    assert body(as_admin.get(programme_export(data.world, format="csv"))) == EXPECTED_CSV


def test_a_set_from_another_programme_is_refused(as_admin, data):
    stranger = SetFactory(name="Set Elsewhere")
    response = as_admin.get(programme_export(data.world, set=stranger.pk))
    assert response.status_code == 400
    assert "That set is not in this programme." in response.content.decode()


def test_a_set_export_ignores_no_filter_it_cannot_take(client, data):
    """The set's own export has no set filter: another set's id changes nothing."""
    client.force_login(data.world.facilitator)
    rows = csv_rows(client.get(set_export(data.world.learning_set, set=data.world.other_set.pk)))
    assert {row[1] for row in rows[1:]} == {"Set Alpha"}


def test_an_empty_programme_exports_just_the_header(client, db):
    admin = UserFactory()
    programme = ProgrammeFactory(name="Empty", admins=[admin])
    client.force_login(admin)
    url = reverse("meetings:attendance_export", args=[programme.pk])
    assert (
        body(client.get(url))
        == (
            "\ufeffProgramme,Set,Meeting start,Time zone,Member,Email,Status,Apologies sent at\r\n"
        ).encode()
    )
    book = workbook(client.get(url + "?format=xlsx"))
    assert values(book["Sets"]) == [
        ["Set", "Facilitators", "Meetings held", "Attendances expected", "Attended",
         "Apologies", "Absent", "Not recorded", "Attendance rate (%)"],
        ["All sets", None, 0, 0, 0, 0, 0, 0, None],
    ]  # fmt: skip


def test_many_rows_stream_in_chunks(as_admin, world):
    meeting = held(world.learning_set, london(2025, 4, 1))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=None, status="present") for _ in range(1200)
    )
    response = as_admin.get(programme_export(world))
    chunks = list(response.streaming_content)
    # The header at once, then a chunk every 500 rows.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 500, 500, 200]
