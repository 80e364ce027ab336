"""A meeting online, in the browser (docs/product.md#meetings-online): a member finds its
video link on the meeting page and the schedule and adds it to their calendar with the link
as its address; the programme's admin sees the same meeting without it. Each page is scanned
with axe and photographed at 1280, 768 and 390 px."""

from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from tests.sessions.factories import MeetingFactory
from tests.sessions.ics import parse_ics

LINK = "https://video.example.org/alpha-room"
SIZES = {"desktop": (1280, 900), "tablet": (768, 1024), "phone": (390, 844)}


def shots(page, shot, name):
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"{name}-{label}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_set_joins_by_video_and_the_admin_never_sees_the_link(
    page, live_server, world, sign_in, axe_check, shot
):
    meeting = MeetingFactory(learning_set=world.learning_set, place="Room 4", video_link=LINK)

    sign_in(page, live_server, world.member)
    page.goto(live_server.url + meeting.get_absolute_url())
    join = page.get_by_role("link", name="Join by video")
    expect(join).to_have_attribute("href", LINK)
    axe_check(page)
    shots(page, shot, "meeting-online-member")

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar").click()
    [event] = parse_ics(Path(download.value.path()).read_bytes())
    assert str(event["url"]) == LINK and str(event["location"]) == "Room 4"

    page.goto(live_server.url + reverse("meetings:schedule", args=[world.learning_set.pk]))
    expect(page.get_by_role("link", name="Video link")).to_have_attribute("href", LINK)
    axe_check(page)

    page.context.clear_cookies()
    sign_in(page, live_server, world.admin)
    page.goto(live_server.url + meeting.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Room 4")
    expect(page.get_by_role("link", name="Join by video")).to_have_count(0)
    assert LINK not in page.content()
    axe_check(page)
    shots(page, shot, "meeting-online-admin")
    page.goto(live_server.url + reverse("meetings:schedule", args=[world.learning_set.pk]))
    assert LINK not in page.content()
