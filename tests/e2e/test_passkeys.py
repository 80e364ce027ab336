"""Passkeys in the browser, with Chromium's virtual authenticator (a passkey kept "on this
device", unlocked with the person's fingerprint as far as the page can tell): a member adds
one and signs in with it alone; a facilitator of a programme that requires two-factor
sign-in is sent to set one up at sign-in and reaches their set once they have. Every page
visited is scanned with axe and photographed at 1280, 768 and 390 px."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from tests.e2e.conftest import LOGIN_PATH
from tests.factories import PASSWORD

WIDTHS = {"desktop": 1280, "tablet": 768, "phone": 390}


@pytest.fixture
def virtual_authenticator(page):
    """A platform authenticator that keeps passkeys and verifies its user, as a phone's or a
    laptop's does, driven through the Chrome DevTools Protocol's WebAuthn domain."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield session, added["authenticatorId"]
    session.send("WebAuthn.disable")


def credentials(virtual_authenticator):
    session, authenticator_id = virtual_authenticator
    return session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]


def look(page, axe_check, shot, name):
    """Scan and photograph the page at each width, then go back to the desktop width."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        axe_check(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def sign_out(page):
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(LOGIN_PATH))


def add_passkey(page, axe_check, shot, name):
    expect(page.locator("h1")).to_have_text("Add a passkey")
    expect(page.get_by_label("Sign in with it alone, without a password")).to_be_checked()
    page.get_by_label("Name").fill(name)
    look(page, axe_check, shot, "passkey-add")
    page.get_by_role("button", name="Add passkey").click()
    # The first key comes with recovery codes, shown at once.
    expect(page.locator("h1")).to_have_text("Recovery codes")


def test_a_member_adds_a_passkey_and_signs_in_with_it_alone(
    page, live_server, world, sign_in, axe_check, shot, virtual_authenticator
):
    member = world.member
    sign_in(page, live_server, member)
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    page.get_by_role("link", name="Two-factor authentication").click()
    keys = page.get_by_role("region", name="Passkeys and security keys")
    expect(keys).to_contain_text("Off")
    look(page, axe_check, shot, "passkey-off")

    keys.get_by_role("link", name="Add a passkey").click()
    expect(page.locator("h1")).to_have_text("Confirm it’s you")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    add_passkey(page, axe_check, shot, "Work laptop")

    assert len(credentials(virtual_authenticator)) == 1
    key = Authenticator.objects.get(user=member, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop" and key.wrap().is_passwordless
    assert AuditEvent.objects.filter(
        action=AccountAction.MFA_CHANGED, actor=member, detail__kind="webauthn"
    ).exists()

    page.get_by_role("link", name="Back to two-factor authentication").click()
    keys = page.get_by_role("region", name="Passkeys and security keys")
    expect(keys).to_contain_text("On")
    keys.get_by_role("link", name="Manage keys").click()
    expect(page.locator("main")).to_contain_text("Work laptop")
    expect(page.locator("main")).to_contain_text("Passkey")
    look(page, axe_check, shot, "passkey-list")

    sign_out(page)
    look(page, axe_check, shot, "passkey-sign-in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(member.name)
    expect(page.locator("main")).to_contain_text(world.learning_set.name)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_passkey_the_browser_does_not_make_is_said_and_adds_nothing(
    page, live_server, world, sign_in, axe_check, shot, virtual_authenticator
):
    """Without a passkey the browser can use (none on the device), the sign-in page says so
    and signs nobody in."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.get_by_role("button", name="Sign in with a passkey").click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("No passkey signed you in")
    expect(page).to_have_url(re.compile(LOGIN_PATH))
    look(page, axe_check, shot, "passkey-sign-in-failed")


def test_a_facilitator_must_set_up_two_factor_sign_in_when_the_programme_requires_it(
    page, live_server, world, sign_in, axe_check, shot, virtual_authenticator
):
    # The programme's admin requires it on the programme's edit page.
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/programmes/{world.programme.pk}/")
    page.get_by_role("link", name="Change the two-factor requirement").click()
    page.get_by_label("Require two-factor sign-in").check()
    look(page, axe_check, shot, "mfa-require")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("main")).to_contain_text("Admins and facilitators must use two-factor")
    world.programme.refresh_from_db()
    assert world.programme.require_mfa
    assert AuditEvent.objects.filter(
        action="programme.mfa_required", actor=world.admin, programme_id=world.programme.pk
    ).exists()
    sign_out(page)

    facilitator = world.facilitator
    sign_in(page, live_server, facilitator)

    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("Set this up to carry on")
    look(page, axe_check, shot, "mfa-required")
    # Their set is out of reach until they do.
    page.goto(f"{live_server.url}/sets/{world.learning_set.pk}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/")

    page.get_by_role("region", name="Passkeys and security keys").get_by_role(
        "link", name="Add a passkey"
    ).click()
    # Confirming the password is one of the pages still open to them.
    expect(page.locator("h1")).to_have_text("Confirm it’s you")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    add_passkey(page, axe_check, shot, "Phone")

    page.goto(f"{live_server.url}/sets/{world.learning_set.pk}/")
    expect(page.locator("h1")).to_contain_text(world.learning_set.name)
    axe_check(page)

    # From now on the password alone does not sign in: the passkey is asked for after it.
    sign_out(page)
    page.get_by_label("Email").fill(facilitator.email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("h1")).to_have_text("Use your passkey")
    look(page, axe_check, shot, "mfa-second-factor-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(world.learning_set.name)


def test_a_member_of_a_programme_that_requires_it_is_not_asked(page, live_server, world, sign_in):
    world.programme.require_mfa = True
    world.programme.save()
    sign_in(page, live_server, world.member)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(world.learning_set.name)
