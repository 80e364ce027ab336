"""An identity provider's word that an address is verified is taken only when it says so:
an OpenID Connect `email_verified` claim of `false` sent as the string "false" (as some
providers' userinfo endpoints send every claim) is not a verified address, so it neither
signs anyone up nor signs in to the account of that address
(docs/sso.md#matching-accounts)."""

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialApp
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from sets.models import ProgrammeSignOn
from sets.sign_on import SocialAccountAdapter
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().get("/accounts/oidc/acme/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def _sociallogin(request, email, verified):
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="acme",
        name="Acme sign-in",
        client_id="als",
        secret="s",
        settings={"server_url": "https://login.acme.example"},
    )
    provider = app.get_provider(request)
    claims = {"sub": "acme-7", "email": email, "name": "Nia Newcomer"}
    if verified is not None:
        claims["email_verified"] = verified
    return provider.sociallogin_from_response(request, claims)


@pytest.fixture
def admitting():
    programme = ProgrammeFactory()
    ProgrammeSignOn.objects.create(
        programme=programme, provider_id="acme", open_domains=["acme.example"]
    )
    return programme


@pytest.mark.parametrize("verified", ["false", "False", "0", "", None, False, "no"])
def test_an_address_not_asserted_as_verified_signs_nobody_up(admitting, verified):
    request = _request()
    sociallogin = _sociallogin(request, "nia@acme.example", verified)
    with pytest.raises(ImmediateHttpResponse) as refused:
        SocialAccountAdapter(request).is_open_for_signup(request, sociallogin)
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("verified", ["false", "False", "0", None, False])
def test_an_address_not_asserted_as_verified_signs_in_to_no_account(db, verified):
    UserFactory(email="ada@acme.example")
    request = _request()
    sociallogin = _sociallogin(request, "ada@acme.example", verified)
    assert SocialAccountAdapter(request).authenticate_by_email(sociallogin) is None


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_an_address_asserted_as_verified_signs_up_and_in(admitting, verified):
    request = _request()
    sociallogin = _sociallogin(request, "nia@acme.example", verified)
    assert SocialAccountAdapter(request).is_open_for_signup(request, sociallogin) is True
    owner = UserFactory(email="ada@acme.example")
    sociallogin = _sociallogin(request, "ada@acme.example", verified)
    assert SocialAccountAdapter(request).authenticate_by_email(sociallogin) == (
        owner,
        "ada@acme.example",
    )
