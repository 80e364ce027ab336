"""The acts of this app the audit log records, registered in reflections/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import ACCOUNT, PERSON, SET, describe


class ReflectionAction(models.TextChoices):
    REFLECTION_SHARED = "reflection.shared", "Reflection shared with a set"
    REFLECTION_UNSHARED = "reflection.unshared", "Reflection taken back from a set"
    ACCOUNT_ERASED = "account.erased", "Account erased"
    DATA_EXPORTED = "account.data_exported", "Personal data downloaded"


REFLECTION_ACTIONS = (
    describe(ReflectionAction.REFLECTION_SHARED, SET, "Shared a journal entry with"),
    describe(ReflectionAction.REFLECTION_UNSHARED, SET, "Took a journal entry back from"),
    describe(ReflectionAction.ACCOUNT_ERASED, ACCOUNT, "Erased their account"),
    describe(
        ReflectionAction.DATA_EXPORTED,
        PERSON,
        "Downloaded the personal data of",
        own_doing="Downloaded their own data",
    ),
)
