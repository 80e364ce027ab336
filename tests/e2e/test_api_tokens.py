"""A programme admin makes an API token from the programme's page, copies it from the one
page that shows it, sees the API answer it, then revokes it, in the browser. Each page is
scanned with axe and photographed at 1280, 768 and 390 px (docs/api.md#tokens)."""

from playwright.sync_api import expect

from api.models import ApiToken

SIZES = {"desktop": (1280, 900), "tablet": (768, 1024), "phone": (390, 844)}


def shots(page, shot, name):
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"{name}-{label}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_creates_a_token_sees_it_once_and_revokes_it(
    page, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.admin)
    page.goto(live_server.url + world.programme.get_absolute_url())
    page.get_by_role("link", name="API tokens").click()
    expect(page.locator("h1")).to_have_text("API tokens")
    expect(page.locator("main")).to_contain_text("No tokens yet.")
    axe_check(page)
    shots(page, shot, "api-tokens-empty")

    # A day gone by is refused, with the reason, and nothing is made.
    page.get_by_label("Name").fill("HR nightly import")
    page.get_by_label("Last day (optional)").fill("2020-01-01")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("main")).to_contain_text("That day has passed.")
    assert not ApiToken.objects.exists()
    axe_check(page)

    page.get_by_label("Last day (optional)").fill("")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("Copy your new token now")
    raw = page.get_by_label("Your new token", exact=True).input_value()
    token = ApiToken.objects.get()
    assert raw.startswith(f"als_{token.prefix}_")
    assert raw not in (token.secret_hash, token.prefix)
    axe_check(page)
    shots(page, shot, "api-tokens-created")

    # The API answers it.
    answer = page.request.get(
        f"{live_server.url}/api/v1/sets", headers={"Authorization": f"Bearer {raw}"}
    )
    assert answer.status == 200
    assert "Set Alpha" in answer.text()

    # Shown once: the page loaded again no longer holds it.
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    assert raw not in page.content()
    row = page.get_by_role("row", name="HR nightly import")
    expect(row).to_contain_text("Active")
    expect(row).not_to_contain_text("Never")  # the API call above was its first use

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke HR nightly import").click()
    expect(page.locator(".messages")).to_contain_text("revoked: it no longer works")
    expect(page.get_by_role("row", name="HR nightly import")).to_contain_text("Revoked")
    axe_check(page)
    shots(page, shot, "api-tokens-revoked")

    refused = page.request.get(
        f"{live_server.url}/api/v1/sets", headers={"Authorization": f"Bearer {raw}"}
    )
    assert refused.status == 401
