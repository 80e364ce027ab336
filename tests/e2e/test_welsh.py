"""Welsh in the browser (docs/languages.md): a Welsh-speaking facilitator runs check-in on
the meeting page, whose panels, dates, navigation and saving messages (the scripts' own
catalogue) are all in Welsh, with nothing of the page's own words left in English; and a
member who chooses Cymraeg on Your details, then signs out to a Welsh sign-in page and
switches it back to English from its footer. Each page is scanned with axe and shot at a
desktop's, a tablet's and a phone's width."""

import re

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation.trans_real import DjangoTranslation
from playwright.sync_api import expect

from tests.e2e.test_meeting_journey import (
    DESKTOP,
    LONDON,
    PHONE,
    TABLET,
    save_status,
    saving,
)

# The page's own words in English, which a Welsh page must not show.
ENGLISH = [
    "Attendance",
    "Report-backs",
    "Airtime",
    "Present",
    "Absent",
    "Not recorded",
    "Meeting sections",
    "My sets",
    "My actions",
    "Dashboard",
    "Save",
    "Saved",
]


MENU = '<span class="visually-hidden">Account menu for </span>%(name)s'


def cy(message, context=None, **values):
    with translation.override("cy"):
        text = pgettext(context, message) if context else gettext(message)
    return text % values if values else text


def cy_script(message, **values):
    """What the page's scripts say, from the JavaScript catalogue (djangojs)."""
    text = DjangoTranslation("cy", domain="djangojs").gettext(message)
    return text % values if values else text


def english_left(page):
    words = page.locator("body").inner_text()
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", words)]


def scan_at_three_widths(page, axe_check, shot, name):
    for width, size in (("1280", DESKTOP), ("768", TABLET), ("390", PHONE)):
        page.set_viewport_size(size)
        axe_check(page)
        shot(page, f"{name}-{width}")
    page.set_viewport_size(DESKTOP)


def test_a_welsh_speaking_facilitator_takes_attendance_in_welsh(
    page, live_server, running, sign_in, axe_check, shot, problems
):
    facilitator, maya, pat = running.facilitator, running.member, running.pending
    facilitator.language = "cy"
    facilitator.save()
    sign_in(page, live_server, facilitator)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("navigation", name=cy("Main", "navigation"))).to_contain_text(
        cy("My sets")
    )

    page.goto(f"{live_server.url}/meetings/{running.meeting.pk}/")
    expect(page.locator("h1")).to_contain_text(cy("%(name)s meeting", name="Set Alpha"))
    with translation.override("cy"):
        day = date_format(running.meeting.starts_at.astimezone(LONDON), "l j F Y")
    expect(page.locator(".lead").first).to_contain_text(day)
    expect(page.get_by_role("navigation", name=cy("Meeting sections"))).to_be_visible()

    attendance = page.get_by_role("region", name=cy("Attendance"))
    present, absent = cy("Present"), cy("Absent")
    for person, status in ((maya, present), (pat, absent)):
        row = attendance.locator(f"#attendance-row-{person.pk}")
        with saving(page, "attendance"):
            row.get_by_text(status, exact=True).click()
        expect(row.get_by_role("radio", name=status, exact=True)).to_be_checked()
        # The script's confirmation, in Welsh, with the Welsh choice in it.
        expect(save_status(row)).to_have_text(cy_script("Saved: %(choice)s.", choice=status))
    expect(attendance).to_contain_text(cy("%(attended)s of %(total)s here", attended=1, total=3))
    assert english_left(page) == []
    assert problems == []
    scan_at_three_widths(page, axe_check, shot, "welsh-meeting-attendance")


def test_a_member_chooses_welsh_and_the_sign_in_page_keeps_it(
    page, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.member)
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    page.get_by_role("link", name="Your details").click()
    expect(page.locator("h1")).to_have_text("Your details")
    axe_check(page)
    page.get_by_label("Language", exact=True).select_option(label="Cymraeg")
    page.get_by_role("button", name="Save my details").click()

    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("status").first).to_contain_text(cy("Your details are saved."))
    expect(page.locator("h1")).to_have_text(cy("Your details"))
    expect(page.get_by_label(cy("Language"), exact=True)).to_have_value("cy")
    scan_at_three_widths(page, axe_check, shot, "welsh-your-details")

    menu = re.sub(r"<[^>]+>", "", cy(MENU, name=world.member.name))
    page.get_by_role("button", name=menu).click()
    page.get_by_role("button", name=cy("Sign out")).click()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    axe_check(page)
    shot(page, "welsh-sign-in")

    # The footer's switch, for anyone not signed in.
    page.get_by_label(cy("Language"), exact=True).select_option("en-gb")
    page.get_by_role("button", name=cy("Change language")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.get_by_role("button", name="Change language")).to_be_visible()
