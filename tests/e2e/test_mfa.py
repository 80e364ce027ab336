"""Two-factor authentication in the browser: a member turns on an authenticator app, is shown
recovery codes, and from then on signs in with a password and a code. The codes are computed
from the setup key the page shows, as an authenticator app would. Every page visited is
scanned with axe."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from tests.e2e.conftest import LOGIN_PATH
from tests.factories import PASSWORD

# A code typed in the last seconds of its time step can arrive after the step has passed.
SAFETY_SECONDS = 3


def authenticator_code(secret, after_step=None):
    """The code an authenticator app shows now, for a time step later than `after_step`.

    Waits for the next step when the current one is about to end, or when it is the step
    whose code was used last (a code is accepted once).
    """
    period = mfa_settings.TOTP_PERIOD
    while True:
        now = time.time()
        step, left = int(now // period), period - now % period
        if (after_step is None or step > after_step) and left > SAFETY_SECONDS:
            return step, format_hotp_value(hotp_value(secret, step))
        time.sleep(left + 0.1)


def password_field(page):
    return page.get_by_label(re.compile(r"^\s*Password\W*$"))


def test_a_member_turns_on_two_factor_and_signs_in_with_a_code(
    page, live_server, world, sign_in, axe_check, shot
):
    member = world.member
    sign_in(page, live_server, member)
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.locator("h1")).to_have_text("Two-factor authentication")
    totp = page.get_by_role("region", name="Authenticator app")
    expect(totp).to_contain_text("Off")
    axe_check(page)
    shot(page, "mfa-off")

    totp.get_by_role("link", name="Set up an authenticator app").click()
    # allauth asks for the password again before an account's security changes.
    expect(page.locator("h1")).to_have_text("Confirm it’s you")
    password_field(page).fill(PASSWORD)
    axe_check(page)
    shot(page, "mfa-confirm-password")
    page.get_by_role("button", name="Confirm").click()

    expect(page.locator("h1")).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#authenticator_secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    used_step, code = authenticator_code(secret)
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code)
    axe_check(page)
    shot(page, "mfa-setup")
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.locator("h1")).to_have_text("Recovery codes")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == mfa_settings.RECOVERY_CODE_COUNT
    axe_check(page)
    shot(page, "mfa-recovery-codes")
    assert set(Authenticator.objects.filter(user=member).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert AuditEvent.objects.filter(action=AccountAction.MFA_CHANGED, actor=member).exists()

    page.get_by_role("link", name="Back to two-factor authentication").click()
    expect(page.get_by_role("region", name="Authenticator app")).to_contain_text("On")
    axe_check(page)
    shot(page, "mfa-on")

    page.get_by_role("button", name=re.compile("Account menu for")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(LOGIN_PATH))

    # The password alone no longer signs in: the next page asks for the app's code.
    page.get_by_label("Email").fill(member.email)
    password_field(page).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.locator("h1")).to_have_text("Enter your code")
    axe_check(page)
    shot(page, "mfa-enter-code")

    page.get_by_label(re.compile("code", re.IGNORECASE)).fill("000000")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    assert AuditEvent.objects.filter(
        action=AccountAction.SIGN_IN_FAILED, actor=member, detail__step="mfa"
    ).exists()
    axe_check(page)
    shot(page, "mfa-wrong-code")

    _, code = authenticator_code(secret, after_step=used_step)
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(member.name)
    expect(page.locator("main")).to_contain_text(world.learning_set.name)
    axe_check(page)
    shot(page, "mfa-signed-in")
