"""The acts of this app the audit log records, registered in api/apps.py
(alsspace/audit_actions.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alsspace.audit_actions import PROGRAMME
from sets.audit_actions import describe


class ApiAction(models.TextChoices):
    TOKEN_CREATED = "api_token.created", _("API token created")
    TOKEN_REVOKED = "api_token.revoked", _("API token revoked")


API_ACTIONS = (
    describe(ApiAction.TOKEN_CREATED, PROGRAMME, _("Created an API token for")),
    describe(ApiAction.TOKEN_REVOKED, PROGRAMME, _("Revoked an API token of")),
)
