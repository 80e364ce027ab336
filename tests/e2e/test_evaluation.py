"""The evaluation report in the browser: a programme admin opens it from the programme page,
reads the figures and the value stories members shared, chooses the months, downloads the CSV
and prints it. Every page visited is scanned with axe,
and the report is photographed at three widths and in its print layout."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from alsspace.models import AuditEvent
from sessions.audit_actions import MeetingAction
from tests.sessions.evaluation_data import PLANTED, SECRET_NAME, SetPlan, build, story

PLANS = [
    SetPlan("Set Large", {0: 8, 1: 8, 2: 8}, pulse={0: 5, 1: 5, 2: 3}),
    SetPlan("Set Medium", {0: 6, 1: 6, 2: 6}, pulse={0: 4, 2: 4}),
    SetPlan("Set Small", {0: 3, 1: 3, 2: 3}),
]
WIDTHS = {"desktop": 1280, "tablet": 768, "phone": 390}


def test_an_admin_chooses_the_months_downloads_and_prints_the_report(
    page, live_server, sign_in, axe_check, shot
):
    built = build(PLANS, name="Northfield Evaluation 2025")
    story(built, "Set Large", "The night shift now briefs the board.", "named", cycle="realised")
    story(built, "Set Small", "I ask before I answer now.", "anonymised", cycle="reframing")
    sign_in(page, live_server, built.admin)
    page.goto(f"{live_server.url}{built.programme.get_absolute_url()}")
    page.get_by_role("link", name="Evaluation report").click()

    expect(page.locator("h1")).to_have_text("Evaluation report: Northfield Evaluation 2025")
    main = page.locator("main")
    expect(main).to_contain_text("For Northfield Business School, all months. Produced")
    expect(main).to_contain_text("marked “held back”")
    attendance = page.get_by_role("table", name="Attendance and commitment by set")
    expect(attendance.get_by_role("row", name="Set Small")).to_contain_text("held back")
    expect(page.get_by_role("table", name="Mean safety score")).to_contain_text("January 2025")
    stories = page.get_by_role("region", name="Value stories")
    expect(stories).to_contain_text("The night shift now briefs the board.")
    expect(stories).to_contain_text(f"told by {SECRET_NAME}")
    realised = stories.locator("figure", has_text="The night shift now briefs the board.")
    expect(realised).to_contain_text("Realised value — It made a difference I can see.")
    expect(realised).to_contain_text(f"Set Large · told by {SECRET_NAME}")
    expect(stories).to_contain_text("I ask before I answer now.")
    expect(stories).to_contain_text("shared without the author’s name")
    axe_check(page)
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"evaluation-{name}")
        # Every column of every table is on screen, a phone's included: none hides sideways.
        hidden = page.evaluate(
            "[...document.querySelectorAll('main .table-responsive')]"
            ".filter(e => e.scrollWidth > e.clientWidth)"
            ".map(e => e.getAttribute('aria-labelledby'))"
        )
        assert hidden == [], f"Tables wider than the screen at {width} px: {hidden}"
    page.set_viewport_size({"width": 1280, "height": 900})

    # Months the wrong way round are refused, with the reason beside the field.
    page.get_by_label("From", exact=True).fill("2025-03-10")
    page.get_by_label("To", exact=True).fill("2025-01-10")
    page.get_by_role("button", name="Show").click()
    expect(main).to_contain_text("These months cannot be used")
    expect(main).to_contain_text("The last day, 10 January 2025, is before the first")
    axe_check(page)
    shot(page, "evaluation-bad-months")

    page.get_by_label("From", exact=True).fill("2025-01-10")
    page.get_by_label("To", exact=True).fill("2025-02-10")
    page.get_by_role("button", name="Show").click()
    expect(main).to_contain_text("January 2025 to February 2025.")
    expect(page.get_by_role("table", name="Mean safety score")).not_to_contain_text("March 2025")
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == (
        "northfield-evaluation-2025-evaluation-2025-01-to-2025-02.csv"
    )
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Section", "Set or month", "Item", "Value"]
    assert ["Report", "", "Period", "January 2025 to February 2025"] in rows
    assert ["Attendance", "Set Small", "Attended", "held back"] in rows
    assert [
        "Value story",
        "Set Small",
        "Reframing value, anonymised",
        "I ask before I answer now.",
    ] in rows
    for planted in PLANTED:
        if planted != SECRET_NAME:
            assert planted not in text
    assert text.count(SECRET_NAME) == 1  # the author of the named story, not of the other
    assert AuditEvent.objects.filter(action=MeetingAction.EVALUATION_EXPORTED).count() == 1

    # The button prints the page; printing shows the report without navigation or filters.
    page.evaluate("window.print = () => { document.body.dataset.printed = 'yes' }")
    page.get_by_role("button", name="Print or save as PDF").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.get_by_role("table", name="Action outcomes reported by set")).to_be_visible()
    expect(stories).to_be_visible()
    shot(page, "evaluation-print")
    page.emulate_media(media="screen")
