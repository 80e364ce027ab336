"""The acts of this app the audit log records, registered in api/apps.py
(alsspace/audit_actions.py)."""

from django.db import models

from alsspace.audit_actions import PROGRAMME, describe


class ApiAction(models.TextChoices):
    TOKEN_CREATED = "api_token.created", "API token created"
    TOKEN_REVOKED = "api_token.revoked", "API token revoked"


API_ACTIONS = (
    describe(ApiAction.TOKEN_CREATED, PROGRAMME, "Created an API token for"),
    describe(ApiAction.TOKEN_REVOKED, PROGRAMME, "Revoked an API token of"),
)
