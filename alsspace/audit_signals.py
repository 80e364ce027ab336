"""Audit events for sign-in failures and MFA changes, which Django and allauth announce."""

from collections.abc import Mapping
from typing import Any

from allauth.mfa import signals as mfa
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from alsspace.audit import record
from alsspace.audit_actions import AccountAction
from alsspace.models import User


@receiver(user_login_failed)
def sign_in_failed(
    sender: object,
    credentials: Mapping[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # Only the address tried is kept; the password never reaches the log.
    record(AccountAction.SIGN_IN_FAILED, request=request, subject=credentials.get("email", ""))


@receiver(mfa.authentication_failed)
def mfa_code_failed(
    sender: object,
    request: HttpRequest,
    user: User,
    authenticator: Any = None,
    **kwargs: Any,
) -> None:
    record(
        AccountAction.SIGN_IN_FAILED, request=request, actor=user, subject=user.email, step="mfa"
    )


def _record_mfa_change(change: str, request: HttpRequest, user: User, authenticator: Any) -> None:
    record(
        AccountAction.MFA_CHANGED,
        request=request,
        actor=user,
        subject=user.email,
        change=change,
        kind=authenticator.type,
    )


@receiver(mfa.authenticator_added)
def mfa_added(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    _record_mfa_change("added", request, user, authenticator)


@receiver(mfa.authenticator_removed)
def mfa_removed(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    _record_mfa_change("removed", request, user, authenticator)


@receiver(mfa.authenticator_reset)
def mfa_reset(
    sender: object, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    _record_mfa_change("reset", request, user, authenticator)
