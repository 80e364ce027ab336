"""Two-factor sign-in a person is required to use (docs/confidentiality.md#signing-in).

Who must use it is not this app's to know: a programme may require it of its facilitators and
admins, and programmes live in an app above this one. Each such app registers a requirement
from its `AppConfig.ready()`: a function answering whether a person must use two-factor
sign-in. At sign-in, a person who must and has no second factor yet is marked in their
session; while the mark stands, `RequiredMFAMiddleware` sends every page but those that set
up a second factor, signing out and static files to the two-factor page. The mark is checked
again on each of those requests, so it goes as soon as a factor is added or the requirement
is lifted; removing the last factor while still required puts it back.

Nothing is read on the requests of everyone else: the pages of a person with no mark cost no
query more.
"""

from collections.abc import Callable
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.models import User

Requirement = Callable[[User], bool]

SESSION_KEY = "alsspace_mfa_required"

# The pages a person asked to set up two-factor sign-in may still reach: allauth's two-factor
# pages (setting up an app, a security key or passkey, recovery codes, confirming it is them)
# and signing out. Names are matched in full, namespace and all: the operator admin's pages of
# second factors (`admin:mfa_authenticator_…`) are not allauth's, though their short names
# start the same way.
ALLOWED_URL_NAMES = frozenset({"account_logout", "account_reauthenticate", "healthz"})
ALLOWED_URL_PREFIX = "mfa_"

NAME_MAX_LENGTH = 100
UNREADABLE_KEY = gettext_lazy("Your key’s answer could not be read. Try again.")

_requirements: list[Requirement] = []


def register_requirement(requirement: Requirement) -> None:
    """Add a reason a person may have to use two-factor sign-in. The same one again does
    nothing."""
    if requirement not in _requirements:
        _requirements.append(requirement)


def is_required(user: User) -> bool:
    return any(requirement(user) for requirement in _requirements)


def must_enrol(user: User) -> bool:
    """Required to use two-factor sign-in and without a second factor."""
    return not get_adapter().is_mfa_enabled(user) and is_required(user)


def mark_at_sign_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Signing in (with a password, a passkey or an invitation's first sign-in) marks the
    session of someone who must set up two-factor sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    if must_enrol(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def mark_after_removal(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Removing a second factor: the last one, while still required, marks the session."""
    if must_enrol(user):
        request.session[SESSION_KEY] = True


def _is_allowed(request: HttpRequest) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return False
    return name in ALLOWED_URL_NAMES or name.startswith(ALLOWED_URL_PREFIX)


class RequiredMFAMiddleware:
    """Sends someone marked as having to set up two-factor sign-in to the two-factor page,
    from every page but that one's own, signing out and static files. Sits after the
    session and authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and request.session.get(SESSION_KEY)
            and not _is_allowed(request)
        ):
            if must_enrol(request.user):
                return self.refuse(request)
            del request.session[SESSION_KEY]
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        # The two-factor page says why, from the mark (templates/mfa/index.html).
        url = reverse("mfa_index")
        if request.headers.get("HX-Request"):
            # htmx follows a redirect inside the page; this sends the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class ReadsKeyAnswersMixin:
    """allauth's WebAuthn forms parse the posted credential with fido2, which raises on JSON
    that is not a key's answer (a missing member, a wrong type). Such a credential is refused
    as one that fails its checks, a 4xx or the form again, never a 500."""

    error_field: str | None = "credential"

    def full_clean(self) -> None:
        try:
            super().full_clean()
        except (KeyError, TypeError, ValueError, AttributeError):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error(self.error_field, UNREADABLE_KEY)  # type: ignore[attr-defined]


class AddKeyForm(ReadsKeyAnswersMixin, AddWebAuthnForm):
    """allauth's form for adding a WebAuthn key (settings.MFA_FORMS), in our words, with a
    passkey as the usual choice: it signs in on its own."""

    error_field = None  # the credential is a hidden field: its error is said above the form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        self.fields["name"].help_text = _("Where the key is, such as “Work laptop” or “Phone”.")
        self.fields["name"].validators.append(MaxLengthValidator(NAME_MAX_LENGTH))
        self.fields["name"].widget.attrs["maxlength"] = NAME_MAX_LENGTH
        if "passwordless" in self.fields:
            self.fields["passwordless"].initial = True
            self.fields["passwordless"].label = _("Sign in with it alone, without a password")
            self.fields["passwordless"].help_text = _(
                "A passkey asks for your fingerprint, face or PIN each time. Untick for a "
                "security key that is asked for after your password."
            )


class LoginKeyForm(ReadsKeyAnswersMixin, LoginWebAuthnForm):
    pass


class AuthenticateKeyForm(ReadsKeyAnswersMixin, AuthenticateWebAuthnForm):
    pass


class ReauthenticateKeyForm(ReadsKeyAnswersMixin, ReauthenticateWebAuthnForm):
    pass
