"""Writing audit events. Every sensitive act goes through `record`, as one of the acts the
apps registered (alsspace/audit_actions.py)."""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from alsspace import audit_actions
from alsspace.models import AuditEvent, User


class UnregisteredAction(ValueError):
    """An act no app registered (alsspace/audit_actions.py): the log would not know how to
    show or filter it, so it is refused rather than stored."""


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR is the proxy behind a load balancer; the README says how to set it there.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    *,
    actor: User | None = None,
    ip: str | None = None,
    request: HttpRequest | None = None,
    programme: Model | int | None = None,
    subject: object = "",
    **detail: Any,
) -> AuditEvent:
    """Record `action` by `actor` from `ip`. Services pass the acting person and the address
    their view read (`client_ip`); code that has the request in hand (sign-in signals, the
    operator admin) may pass it instead, and the actor and address are read from it."""
    if not audit_actions.is_registered(action):
        raise UnregisteredAction(f"No app registered the audit action {action!r}.")
    if request is not None:
        if actor is None and request.user.is_authenticated:
            actor = request.user
        if ip is None:
            ip = client_ip(request)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        programme_id=getattr(programme, "pk", programme),
        subject=str(subject)[:300],
        detail=detail,
        ip_address=ip,
    )
