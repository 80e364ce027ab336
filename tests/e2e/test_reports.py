"""Attendance reports in the browser: a programme admin opens the report from the programme
page, filters it by set and dates, and downloads the attendance as CSV and as Excel; a
facilitator opens their own set's report from the set page. Every page visited is scanned
with axe."""

import csv
import io
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from alsspace.models import AuditEvent
from sessions.audit_actions import MeetingAction
from tests.sessions.attendance_data import build_attendance

PROGRAMME = "Northfield Leaders 2026"
FILE_NAME = "northfield-leaders-2026-set-alpha-attendance-2025-01-01-to-2025-03-31"


def test_an_admin_filters_the_report_and_downloads_both_formats(
    page, live_server, world, sign_in, axe_check, shot
):
    build_attendance(world)
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}{world.programme.get_absolute_url()}")
    page.get_by_role("link", name="Attendance report").click()

    expect(page.locator("h1")).to_have_text(f"Attendance in {PROGRAMME}")
    main = page.locator("main")
    expect(main).to_contain_text("Showing all 2 sets, all dates.")
    expect(main).to_contain_text("4 members are below the programme’s 75% attendance threshold")
    expect(page.get_by_role("img", name=f"Attendance per month: {PROGRAMME}")).to_be_visible()
    axe_check(page)
    shot(page, "report-programme")

    # A last day before the first is refused with a message, and nothing is shown.
    page.get_by_label("From", exact=True).fill("2025-03-31")
    page.get_by_label("To", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Show").click()
    expect(main).to_contain_text("The last day, 1 January 2025, is before the first")
    expect(main).to_contain_text("These filters cannot be used")
    axe_check(page)
    shot(page, "report-bad-filter")

    page.get_by_label("Set", exact=True).select_option(label="Set Alpha")
    page.get_by_label("From", exact=True).fill("2025-01-01")
    page.get_by_label("To", exact=True).fill("2025-03-31")
    page.get_by_role("button", name="Show").click()
    expect(main).to_contain_text("Showing Set Alpha, 1 January 2025 to 31 March 2025.")
    certification = page.get_by_role("table", name="Attendance by member")
    expect(certification).to_contain_text("Lena Leaver")
    expect(certification).not_to_contain_text("Olive Other")
    axe_check(page)
    shot(page, "report-filtered")

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    download = csv_download.value
    assert download.suggested_filename == f"{FILE_NAME}.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["Programme", "Set", "Meeting start"]
    assert len(rows) == 1 + 8  # January and February, four members each
    assert {row[1] for row in rows[1:]} == {"Set Alpha"}

    page.get_by_label("Status").select_option(label="Apologies")
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download Excel (.xlsx)").click()
    download = xlsx_download.value
    assert download.suggested_filename == f"{FILE_NAME}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == ["Attendance", "Members", "Sets"]
    attendance = list(book["Attendance"].iter_rows(min_row=2, values_only=True))
    assert [(row[4], row[6]) for row in attendance] == [("Maya Member", "Apologies")]

    events = AuditEvent.objects.filter(action=MeetingAction.ATTENDANCE_EXPORTED)
    assert sorted(event.detail["format"] for event in events) == ["CSV", "XLSX"]
    expect(page.locator("h1")).to_have_text(f"Attendance in {PROGRAMME}")


def test_a_facilitator_opens_their_sets_report_from_the_set_page(
    page, live_server, world, sign_in, axe_check, shot
):
    build_attendance(world)
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}{world.learning_set.get_absolute_url()}")
    page.get_by_role("link", name="Attendance", exact=True).click()

    expect(page.locator("h1")).to_have_text("Set Alpha: attendance")
    main = page.locator("main")
    expect(main).to_contain_text("3 members are below the programme’s 75% attendance threshold")
    expect(main).not_to_contain_text("Olive Other")
    page.get_by_text("The same figures as a table").click()
    expect(page.get_by_role("table", name="Attendance per month: Set Alpha")).to_be_visible()
    axe_check(page)
    shot(page, "report-set")


WIDTHS = {"desktop": 1280, "tablet": 768, "phone": 390}


def in_view_across(table, cell):
    """Whether a cell lies inside the visible width of its scrolling table, as the page
    first shows it (not scrolled sideways)."""
    region = table.locator("xpath=ancestor::div[contains(@class, 'table-responsive')][1]")
    cell_box, region_box = cell.bounding_box(), region.bounding_box()
    return (
        cell_box["x"] >= region_box["x"] - 1
        and cell_box["x"] + cell_box["width"] <= region_box["x"] + region_box["width"] + 1
    )


def test_the_rate_and_threshold_stay_in_view_on_a_tablet(
    page, live_server, world, sign_in, axe_check, shot
):
    build_attendance(world)
    sign_in(page, live_server, world.admin)
    reports = {
        "programme": reverse("meetings:programme_report", args=[world.programme.pk]),
        "set": reverse("meetings:set_report", args=[world.learning_set.pk]),
    }
    for kind, path in reports.items():
        for name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{path}")
            members = page.get_by_role("table", name="Attendance by member")
            sets = page.get_by_role("table", name="Attendance by set")
            shot(page, f"report-{kind}-{name}")
            if width < 768:
                continue
            for table, header in [(members, "Rate"), (sets, "Attendance")]:
                cell = table.get_by_role("columnheader", name=header, exact=True)
                assert in_view_across(table, cell), (kind, name, header)
            below = members.get_by_text("Below 75%").first
            assert in_view_across(members, below), (kind, name)
        axe_check(page)
