"""Audit events for sign-in failures and MFA changes, which Django and allauth announce."""

from allauth.mfa import signals as mfa
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from alsspace.audit import Action, record


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Only the address tried is kept; the password never reaches the log.
    record(Action.SIGN_IN_FAILED, request=request, subject=credentials.get("email", ""))


@receiver(mfa.authentication_failed)
def mfa_code_failed(sender, request, user, authenticator=None, **kwargs):
    record(Action.SIGN_IN_FAILED, request=request, actor=user, subject=user.email, step="mfa")


def _record_mfa_change(change, request, user, authenticator):
    record(
        Action.MFA_CHANGED,
        request=request,
        actor=user,
        subject=user.email,
        change=change,
        kind=authenticator.type,
    )


@receiver(mfa.authenticator_added)
def mfa_added(sender, request, user, authenticator, **kwargs):
    _record_mfa_change("added", request, user, authenticator)


@receiver(mfa.authenticator_removed)
def mfa_removed(sender, request, user, authenticator, **kwargs):
    _record_mfa_change("removed", request, user, authenticator)


@receiver(mfa.authenticator_reset)
def mfa_reset(sender, request, user, authenticator, **kwargs):
    _record_mfa_change("reset", request, user, authenticator)
