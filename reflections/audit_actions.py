"""The acts of this app the audit log records, registered in reflections/apps.py
(alsspace/audit_actions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alsspace.audit_actions import ACCOUNT, PERSON, SET, describe


class ReflectionAction(models.TextChoices):
    REFLECTION_SHARED = "reflection.shared", _("Reflection shared with a set")
    REFLECTION_UNSHARED = "reflection.unshared", _("Reflection taken back from a set")
    ACCOUNT_ERASED = "account.erased", _("Account erased")
    DATA_EXPORTED = "account.data_exported", _("Personal data downloaded")


REFLECTION_ACTIONS = (
    describe(ReflectionAction.REFLECTION_SHARED, SET, _("Shared a journal entry with")),
    describe(ReflectionAction.REFLECTION_UNSHARED, SET, _("Took a journal entry back from")),
    describe(ReflectionAction.ACCOUNT_ERASED, ACCOUNT, _("Erased their account")),
    describe(
        ReflectionAction.DATA_EXPORTED,
        PERSON,
        _("Downloaded the personal data of"),
        own_doing=_("Downloaded their own data"),
    ),
)
