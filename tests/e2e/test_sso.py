"""Single sign-on in the browser, through the full redirect flow against real identity
providers on 127.0.0.1 (tests/idp): an OpenID Connect provider and a SAML 2.0 IdP, each
started once per session (docs/sso.md). Every ALS Space page visited is scanned with axe."""

import re

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from alsspace.models import AuditEvent, User
from sets.audit_actions import SetAction
from sets.models import Membership, ProgrammeEntrant, ProgrammeSignOn
from tests.e2e.conftest import LOGIN_PATH
from tests.e2e.test_mfa import authenticator_code, password_field
from tests.factories import PASSWORD, InvitationFactory

IDP_PAGE = re.compile(r"^http://127\.0\.0\.1:\d+/")


def sign_in_with(page, live_server, provider_name):
    """From ALS Space's sign-in page to the identity provider's."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.get_by_role("button", name=f"Sign in with {provider_name}").click()
    page.wait_for_url(IDP_PAGE)


def oidc_sign_in(page, login):
    """The OpenID Connect provider's own sign-in form: any password is taken."""
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def saml_sign_in(page, email):
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def readdress(user, email):
    user.email = email
    user.save()
    user.emailaddress_set.update(email=email)
    return user


def link_programme(programme, provider, domains=()):
    ProgrammeSignOn.objects.create(
        programme=programme, provider_id=provider.provider_id, open_domains=list(domains)
    )


def test_an_existing_member_signs_in_through_openid_connect(
    page, live_server, world, identity_providers, axe_check, shot
):
    oidc, _ = identity_providers
    member = readdress(world.member, "ada@acme.example")
    people = User.objects.count()

    page.goto(f"{live_server.url}{LOGIN_PATH}")
    expect(page.get_by_role("button", name="Sign in with Acme sign-in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Northwind sign-in")).to_be_visible()
    axe_check(page)
    shot(page, "sso-login-1280")
    sign_in_with(page, live_server, "Acme sign-in")
    oidc_sign_in(page, "ada@acme.example")

    expect(page.locator("h1")).to_have_text(re.compile("^Welcome"))
    expect(page.get_by_role("link", name=world.learning_set.name).first).to_be_visible()
    axe_check(page)
    # Matched by the verified address, and the provider is now linked to the account.
    account = SocialAccount.objects.get(user=member)
    assert (account.provider, account.uid) == (oidc.provider_id, "ada@acme.example")
    assert User.objects.count() == people


def test_an_existing_facilitator_signs_in_through_saml(
    page, live_server, world, identity_providers, axe_check, shot
):
    _, saml = identity_providers
    facilitator = readdress(world.facilitator, "grace@northwind.example")
    people = User.objects.count()

    sign_in_with(page, live_server, "Northwind sign-in")
    saml_sign_in(page, "grace@northwind.example")

    expect(page.locator("h1")).to_have_text(re.compile("^Welcome"))
    expect(page.get_by_role("heading", name="Sets you facilitate")).to_be_visible()
    axe_check(page)
    shot(page, "sso-saml-home")
    account = SocialAccount.objects.get(user=facilitator)
    assert (account.provider, account.uid) == (saml.provider_id, "grace@northwind.example")
    assert User.objects.count() == people


def test_an_admin_opens_the_programme_to_a_domain_and_a_newcomer_waits_for_a_set(
    page, live_server, world, identity_providers, sign_in, axe_check, shot
):
    oidc, _ = identity_providers
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}{world.programme.get_absolute_url()}")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.locator("h1")).to_have_text(f"Single sign-on for {world.programme.name}")
    axe_check(page)
    page.get_by_role("combobox", name="Identity provider").select_option(
        label="Acme sign-in (OpenID Connect)"
    )
    page.get_by_label("Email domains that may sign up without an invitation").fill(
        "Acme.example, bad domain!"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("is not an email domain")
    assert not ProgrammeSignOn.objects.exists()
    page.get_by_label("Email domains that may sign up without an invitation").fill("Acme.example")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_have_text("Single sign-on saved.")
    sign_on = ProgrammeSignOn.objects.get(programme=world.programme)
    assert (sign_on.provider_id, sign_on.open_domains) == (oidc.provider_id, ["acme.example"])
    assert AuditEvent.objects.filter(
        action=SetAction.SIGN_ON_LINKED, programme_id=world.programme.pk, actor=world.admin
    ).exists()
    axe_check(page)
    for width, height in [(1280, 900), (768, 1000), (390, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"sso-programme-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    sign_in_with(page, live_server, "Acme sign-in")
    oidc_sign_in(page, "newcomer@acme.example")
    expect(page.get_by_role("heading", name=re.compile("with no set yet"))).to_have_text(
        f"You are in {world.programme.name}, with no set yet"
    )
    expect(page.locator("main")).to_contain_text("a programme admin invites you")
    expect(page.locator("main")).to_contain_text("newcomer@acme.example")
    axe_check(page)
    for width, height in [(1280, 900), (768, 1000), (390, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        shot(page, f"sso-waiting-home-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    newcomer = User.objects.get(email="newcomer@acme.example")
    assert newcomer.name == "Nia Newcomer"
    assert newcomer.time_zone == world.programme.time_zone
    assert newcomer.emailaddress_set.get().verified
    assert not newcomer.has_usable_password()
    assert not newcomer.memberships.exists()
    assert ProgrammeEntrant.objects.filter(programme=world.programme, user=newcomer).exists()
    assert AuditEvent.objects.filter(
        action=SetAction.PROGRAMME_ENTERED, actor=newcomer, programme_id=world.programme.pk
    ).exists()
    sign_out(page)

    # The admin sees who waits for a set.
    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}/programmes/{world.programme.pk}/sign-on/")
    waiting = page.get_by_role("region", name="Waiting for a set")
    expect(waiting).to_contain_text("Nia Newcomer")
    expect(waiting).to_contain_text("newcomer@acme.example")


def test_signing_up_from_another_domain_or_unconfirmed_is_refused(
    page, live_server, world, identity_providers, axe_check, shot
):
    oidc, _ = identity_providers
    link_programme(world.programme, oidc, ["acme.example"])
    people = User.objects.count()

    sign_in_with(page, live_server, "Acme sign-in")
    oidc_sign_in(page, "stranger@elsewhere.example")
    expect(page.locator("h1")).to_have_text("No account for this address")
    expect(page.locator("main")).to_contain_text("stranger@elsewhere.example")
    expect(page.locator("main")).to_contain_text("Ask your programme admin to invite you")
    axe_check(page)
    shot(page, "sso-refused")

    # An admitted domain, but the provider does not vouch for the address.
    page.context.clear_cookies()
    sign_in_with(page, live_server, "Acme sign-in")
    oidc_sign_in(page, "unconfirmed@acme.example")
    expect(page.locator("h1")).to_have_text("Your address is not confirmed")
    axe_check(page)
    assert User.objects.count() == people
    assert not SocialAccount.objects.exists()
    assert not ProgrammeEntrant.objects.exists()


def test_a_member_with_a_password_links_the_provider_from_the_account_page(
    page, live_server, world, identity_providers, sign_in, axe_check, shot
):
    oidc, _ = identity_providers
    member = readdress(world.member, "joan@acme.example")
    sign_in(page, live_server, member)
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.locator("h1")).to_have_text("Single sign-on")
    axe_check(page)
    shot(page, "sso-connections-before")
    page.get_by_role("button", name="Link Acme sign-in").click()
    page.wait_for_url(IDP_PAGE)
    oidc_sign_in(page, "joan@acme.example")
    # Linking changes how the account is signed in to: allauth asks for the password again.
    expect(page.locator("h1")).to_have_text("Confirm it’s you")
    password_field(page).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile("/accounts/3rdparty/"))
    expect(page.get_by_role("region", name="Linked")).to_contain_text("Acme sign-in")
    axe_check(page)
    shot(page, "sso-connections-after")
    assert SocialAccount.objects.get(user=member).provider == oidc.provider_id
    sign_out(page)

    # From now on the provider signs the member in. It remembers them: straight back.
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.get_by_role("button", name="Sign in with Acme sign-in").click()
    expect(
        page.get_by_role("button", name=re.compile(f"Account menu for {member.name}"))
    ).to_be_visible()


def test_signing_in_through_the_provider_still_asks_for_the_second_factor(
    page, live_server, world, identity_providers, axe_check, shot
):
    member = readdress(world.member, "ada@acme.example")
    secret = generate_totp_secret()
    TOTP.activate(member, secret)

    sign_in_with(page, live_server, "Acme sign-in")
    oidc_sign_in(page, "ada@acme.example")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.locator("h1")).to_have_text("Enter your code")
    axe_check(page)
    # Not signed in until the code is given: the home page sends back to the code.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    _, code = authenticator_code(secret)
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text(re.compile("^Welcome"))
    expect(page.get_by_role("link", name=world.learning_set.name).first).to_be_visible()


def test_an_invited_person_signs_up_through_the_provider_and_joins_the_set(
    page, live_server, world, identity_providers, axe_check, shot
):
    """No programme admits the domain: the invitation alone lets them in."""
    invitation = InvitationFactory(
        learning_set=world.learning_set, email="ivy@acme.example", name="Ivy Invited"
    )
    page.goto(f"{live_server.url}{invitation.link()}")
    expect(page.locator("h1")).to_have_text("Create your account")
    axe_check(page)
    shot(page, "sso-invited-signup")
    page.get_by_role("button", name="Sign up with Acme sign-in").click()
    page.wait_for_url(IDP_PAGE)
    # Signed in at the provider as someone else: the invitation is not theirs to accept.
    oidc_sign_in(page, "stranger@elsewhere.example")
    expect(page.locator("h1")).to_have_text("Your invitation is for another address")
    expect(page.locator("main")).to_contain_text("ivy@acme.example")
    axe_check(page)
    assert not User.objects.filter(email="stranger@elsewhere.example").exists()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{invitation.link()}")
    page.get_by_role("button", name="Sign up with Acme sign-in").click()
    page.wait_for_url(IDP_PAGE)
    oidc_sign_in(page, "ivy@acme.example")

    # A new member's first step is the set's contract.
    expect(page).to_have_url(re.compile(f"/sets/{world.learning_set.pk}/contract/"))
    axe_check(page)
    ivy = User.objects.get(email="ivy@acme.example")
    assert Membership.objects.filter(
        learning_set=world.learning_set, user=ivy, role="member", left_at__isnull=True
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == ivy
    assert not ProgrammeEntrant.objects.exists()
    assert SocialAccount.objects.get(user=ivy).uid == "ivy@acme.example"
