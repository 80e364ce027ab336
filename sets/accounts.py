"""Signing up is by invitation only: allauth asks this adapter, and the invitation decides.

The invitation page keeps its token in the session; while that token names a pending
invitation, signup is open for exactly that address, which the emailed link has verified.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.audit import client_ip
from alsspace.emails import language_of
from sets.models import Invitation, Membership
from sets.services import accept_invitation

SESSION_KEY = "invitation_token"


def invitation_in_session(request):
    token = request.session.get(SESSION_KEY)
    return Invitation.objects.from_token(token) if token else None


def first_page(membership):
    """Where a person who has just joined a set goes: a new member's first step is the set's
    contract, if there is one to accept."""
    learning_set = membership.learning_set
    if learning_set.contracts.exists() and membership.role == Membership.Role.MEMBER:
        return reverse("sets:contract", args=[learning_set.pk])
    return learning_set.get_absolute_url()


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, extra_context):
        """allauth's emails (confirmations, password resets), rendered as allauth does but
        sent once the request's transaction has committed: a slow mail server holds no
        database lock (on SQLite, the whole file's), and a request that fails sends nothing.
        In the language of the account the address belongs to, otherwise the page's."""
        request = context.request
        with translation.override(language_of(email, fallback=translation.get_language())):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    **extra_context,
                },
            )
        transaction.on_commit(message.send)

    def is_open_for_signup(self, request):
        return invitation_in_session(request) is not None

    def save_user(self, request, user, form, commit=True):
        invitation = invitation_in_session(request)
        user.name = form.cleaned_data["name"]
        user.time_zone = invitation.learning_set.programme.time_zone
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            membership = accept_invitation(invitation, actor=user, ip=client_ip(request))
            request.session.pop(SESSION_KEY, None)
            request.session["joined_set_url"] = first_page(membership)
        return user

    def get_signup_redirect_url(self, request):
        return request.session.pop("joined_set_url", None) or super().get_signup_redirect_url(
            request
        )


class SignupForm(AllauthSignupForm):
    """allauth's signup form with the person's name, filled in from the invitation."""

    name = forms.CharField(
        max_length=150,
        label=gettext_lazy("Your name"),
        help_text=gettext_lazy("As your set will see it."),
    )
    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation_in_session(context.request)
        if self.invitation:
            self.fields["name"].initial = self.invitation.name
            self.fields["email"].widget.attrs["readonly"] = True

    def clean_email(self):
        email = super().clean_email()
        if self.invitation and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                _("Sign up with the address your invitation was sent to: %(email)s.")
                % {"email": self.invitation.email}
            )
        return email
