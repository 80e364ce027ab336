from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_a_member_signs_in_and_lands_on_their_home_page(
    page, live_server, world, sign_in, axe_check, shot
):
    page.goto(live_server.url)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    axe_check(page)
    shot(page, "sign-in")

    sign_in(page, live_server, world.member)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(world.member.name)
    expect(page.locator("main")).to_contain_text(world.learning_set.name)
    expect(page.locator("main")).not_to_contain_text(world.other_set.name)
    axe_check(page)
    shot(page, "home-member")


def test_a_wrong_password_is_refused_with_a_message(page, live_server, world, axe_check, shot):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name='login']").fill(world.member.email)
    page.locator("input[name='password']").fill(PASSWORD + " but wrong")
    with page.expect_navigation():
        page.locator("input[name='password']").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("main")).to_contain_text("not correct")
    axe_check(page)
    shot(page, "sign-in-wrong-password")
