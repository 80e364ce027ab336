"""Single sign-on in the browser, through the full redirect flow against real identity
providers on 127.0.0.1 (tests/idp): an OpenID Connect provider and a SAML 2.0 IdP, each
started once per session (docs/sso.md). Every ALS Space page visited is scanned with axe."""

import re

from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from alsspace.models import User
from tests.e2e.conftest import LOGIN_PATH
from tests.idp.providers import identity_providers, oidc_provider, saml_provider  # noqa: F401


def sign_in_with(page, live_server, provider_name):
    """From ALS Space's sign-in page to the identity provider's."""
    page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.get_by_role("button", name=f"Sign in with {provider_name}").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))


def oidc_sign_in(page, login):
    """The OpenID Connect provider's own sign-in form: any password is taken."""
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def saml_sign_in(page, email):
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in").click()


def test_an_existing_member_signs_in_through_openid_connect(
    page, live_server, world, identity_providers, axe_check, shot
):
    oidc, _ = identity_providers
    member = world.member
    member.email = "ada@acme.example"
    member.save()
    member.emailaddress_set.update(email=member.email)
    people = User.objects.count()

    page.goto(f"{live_server.url}{LOGIN_PATH}")
    expect(page.get_by_role("button", name="Sign in with Acme sign-in")).to_be_visible()
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
