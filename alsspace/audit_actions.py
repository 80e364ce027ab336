"""The acts the audit log records, as each app registers its own.

`AuditEvent.action` is a plain string: which acts there are is not this app's to list, since
most of them belong to the apps above it. Each app declares its acts as a `TextChoices` enum
(its value and label) and registers them, with how the programme's audit log says them, from
its `AppConfig.ready()`. `alsspace.audit.record` refuses an act nobody registered, and the
operator admin and the programme's audit log read their labels and filters from here.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What an event's subject is, which decides how the audit log shows it.
PERSON, SET, PROGRAMME, ACCOUNT, ATTENDANCE = "person", "set", "programme", "account", "attendance"


@dataclass(frozen=True)
class AuditAction:
    value: str
    label: "StrOrPromise"  # what happened, as the operator admin and the log's filter name it
    subject: str  # PERSON, SET, ...: what the event's subject is
    doing: "StrOrPromise"  # the log's words for it, said of the one who acted
    # the words when they acted on themselves, where they read differently
    own_doing: "StrOrPromise" = ""
    # the filter's words, where the label does not cover every row
    filter_label: "StrOrPromise" = ""


_actions: dict[str, AuditAction] = {}


def register(*actions: AuditAction) -> None:
    """Add acts the log may record. The same act again does nothing; another under a value
    already taken is a mistake, refused."""
    for action in actions:
        existing = _actions.get(action.value)
        if existing is not None and existing != action:
            raise ValueError(f"The audit action {action.value!r} is already registered.")
        _actions[action.value] = action


def describe(
    choice: models.TextChoices,
    subject: str,
    doing: "StrOrPromise",
    own_doing: "StrOrPromise" = "",
    filter_label: "StrOrPromise" = "",
) -> AuditAction:
    """An `AuditAction` from a member of an app's enum of acts."""
    # The label stays lazy: it is said in the language of whoever reads the log.
    return AuditAction(str(choice.value), choice.label, subject, doing, own_doing, filter_label)


def is_registered(value: str) -> bool:
    return value in _actions


def get(value: str) -> AuditAction | None:
    return _actions.get(value)


def label(value: str) -> str:
    action = _actions.get(value)
    return str(action.label) if action is not None else value


def actions() -> list[AuditAction]:
    """Every registered act, in the order the apps registered them (INSTALLED_APPS's)."""
    return list(_actions.values())


def choices() -> list[tuple[str, str]]:
    return [(action.value, action.label) for action in _actions.values()]


def filter_choices() -> list[tuple[str, str]]:
    """The acts to filter the log by, in the words of its rows."""
    return [(action.value, action.filter_label or action.label) for action in _actions.values()]


class AccountAction(models.TextChoices):
    """This app's own acts: signing in and two-factor authentication (alsspace/audit_signals.py
    and the operator admin)."""

    SIGN_IN_FAILED = "auth.sign_in_failed", gettext_lazy("Sign-in failed")
    MFA_CHANGED = "auth.mfa_changed", gettext_lazy("Two-factor authentication changed")


ACCOUNT_ACTIONS = (
    describe(AccountAction.SIGN_IN_FAILED, PERSON, gettext_lazy("Failed to sign in as")),
    describe(
        AccountAction.MFA_CHANGED, PERSON, gettext_lazy("Changed the two-factor authentication of")
    ),
)
