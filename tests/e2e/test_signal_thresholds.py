"""A programme admin sets when the inaction prompts fire, from the programme's page, in the
browser: a bad pair is refused with the reason, a good one is saved and the facilitator's
dashboard says it. Every page visited is scanned with axe."""

from playwright.sync_api import expect

from sessions.models import SignalThresholds


def test_an_admin_sets_the_programme_s_inaction_thresholds(
    page, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.admin)
    page.goto(live_server.url + world.programme.get_absolute_url())
    page.get_by_role("link", name="Prompt thresholds").click()
    expect(page.locator("h1")).to_have_text("Prompt thresholds")
    axe_check(page)
    for width, height in ((1280, 900), (768, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"signal-thresholds-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("attendance drift (meetings missed)").fill("5")
    page.get_by_label("pulse dip read as stretch (challenge score, out of 7)").fill("3")
    page.get_by_role("button", name="Save thresholds").click()
    expect(page.locator("main")).to_contain_text(
        "Meetings missed cannot be more than the meetings looked at."
    )
    expect(page.locator("main")).to_contain_text("Ensure this value is greater than or equal to 4.")
    axe_check(page)
    shot(page, "signal-thresholds-refused")
    assert not SignalThresholds.objects.exists()

    page.get_by_label("attendance drift (meetings missed)").fill("2")
    page.get_by_label("carried action (meetings in a row)").fill("4")
    page.get_by_label("playing safe (meetings)").fill("4")
    page.get_by_label("pulse dip read as stretch (challenge score, out of 7)").fill("5.5")
    page.get_by_role("button", name="Save thresholds").click()
    expect(page.locator("h1")).to_have_text(world.programme.name)
    expect(page.locator(".messages")).to_contain_text("Inaction prompt thresholds saved.")
    saved = SignalThresholds.objects.get(programme=world.programme)
    assert (saved.carried_action_meetings, saved.playing_safe_meetings) == (4, 4)
    assert str(saved.stretch_mark) == "5.50"
