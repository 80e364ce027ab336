"""Single sign-on through a programme's identity provider (docs/sso.md): what allauth's social
login asks this app.

- Who may sign up. A person the provider names for the first time gets an account only when
  the provider asserts their email address as verified and either the invitation they opened
  is for that address, or a programme linked to the provider admits the address's domain. Any
  other sign-up is refused with a page that says why
  (docs/sso.md#signing-up-without-an-invitation).
- Who they are. An existing account is matched by a verified email address (allauth's email
  authentication, turned on in settings), and the provider is then linked to it. "Verified"
  is a claim of true, never any other value that Python would take as true.
"""

from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render

from alsspace.audit import client_ip
from sets import services
from sets.accounts import SESSION_KEY, first_page, invitation_in_session
from sets.models import Programme

# The kinds of identity provider a programme may be linked to.
PROTOCOLS = {"openid_connect": "OpenID Connect", "saml": "SAML 2.0"}


def identity_providers(request: HttpRequest) -> dict[str, str]:
    """Every identity provider an operator configured, in the operator admin or in settings:
    {provider id: its name and protocol}."""
    adapter = DefaultSocialAccountAdapter(request)
    providers = {}
    for app in adapter.list_apps(request):
        if app.provider in PROTOCOLS:
            provider_id = app.provider_id or app.provider
            providers[provider_id] = f"{app.name or provider_id} ({PROTOCOLS[app.provider]})"
    return dict(sorted(providers.items(), key=lambda item: item[1].lower()))


def provider_origins(request: HttpRequest) -> list[str]:
    """The origins of the configured providers' sign-in pages: an OpenID Connect provider's
    server URL (its authorization endpoint shares the origin), a SAML IdP's single sign-on URL
    (or its metadata URL)."""
    origins = set()
    for app in DefaultSocialAccountAdapter(request).list_apps(request):
        if app.provider == "openid_connect":
            url = app.settings.get("server_url", "")
        elif app.provider == "saml":
            idp = app.settings.get("idp", {})
            url = idp.get("sso_url") or idp.get("metadata_url", "")
        else:
            continue
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class SignOnFormActionMiddleware:
    """The account pages post forms that end at an identity provider (signing in with it,
    linking it): the Content Security Policy's form-action, which also governs where such a
    form may be redirected, admits the providers' origins on those pages, and only there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/accounts/") and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            origins = provider_origins(request)
            if origins:
                response._csp_update = {"form-action": origins}
        return response


def asserted_verified(value: object) -> bool:
    """Whether a provider's `email_verified` says yes: the boolean true, or the string "true"
    as some providers' userinfo endpoints send every claim. allauth takes the claim as it
    comes, and the string "false" is as truthy as any other, so anything else is a no."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def strictly_verified(sociallogin) -> None:
    """Make each address the provider gave verified only if it asserted so in so many words
    (`asserted_verified`), before anything reads it."""
    for address in sociallogin.email_addresses:
        address.verified = asserted_verified(address.verified)


def verified_email(sociallogin) -> str | None:
    """The address the provider gave, if it asserted it as verified (an OpenID Connect
    `email_verified` claim, or a SAML application the operator marked `verified_email`)."""
    strictly_verified(sociallogin)
    email = (sociallogin.user.email or "").lower()
    for address in sociallogin.email_addresses:
        if address.verified and address.email.lower() == email:
            return email
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        """An existing account is matched only by an address the provider asserted as
        verified in so many words (docs/sso.md#matching-accounts)."""
        strictly_verified(sociallogin)
        return super().authenticate_by_email(sociallogin)

    def is_open_for_signup(self, request, sociallogin):
        email = verified_email(sociallogin)
        provider_id = sociallogin.account.provider
        if email is None:
            self.refuse(request, sociallogin, "unverified")
        invitation = invitation_in_session(request)
        if invitation is not None and invitation.email.lower() == email:
            return True
        if services.admitting_programmes(provider_id, email):
            return True
        if invitation is not None:
            self.refuse(request, sociallogin, "other_address", invited=invitation.email)
        self.refuse(request, sociallogin, "not_admitted")
        return False

    def refuse(self, request, sociallogin, reason, invited=None):
        response = render(
            request,
            "sets/sign_on_refused.html",
            {
                "reason": reason,
                "email": sociallogin.user.email,
                "invited": invited,
                "provider_name": sociallogin.provider.name,
            },
            status=403,
        )
        raise ImmediateHttpResponse(response)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        full_name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.name = (data.get("name") or full_name or user.email.partition("@")[0])[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        provider_id = sociallogin.account.provider
        invitation = invitation_in_session(request)
        if invitation is not None and invitation.email.lower() == user.email:
            user.time_zone = invitation.learning_set.programme.time_zone
            user = super().save_user(request, sociallogin, form)
            membership = services.accept_invitation(invitation, actor=user, ip=client_ip(request))
            request.session.pop(SESSION_KEY, None)
            request.session["joined_set_url"] = first_page(membership)
            return user
        programmes: list[Programme] = services.admitting_programmes(provider_id, user.email)
        user.time_zone = programmes[0].time_zone
        user = super().save_user(request, sociallogin, form)
        services.enter_programmes(programmes, provider_id, actor=user, ip=client_ip(request))
        return user
