"""Writing audit events. Every sensitive act goes through `record`."""

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from alsspace.models import AuditEvent, User

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR is the proxy behind a load balancer; the README says how to set it there.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    programme: Model | int | None = None,
    subject: object = "",
    ip: str | None = None,
    **detail: Any,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        programme_id=getattr(programme, "pk", programme),
        subject=str(subject)[:300],
        detail=detail,
        ip_address=ip if ip is not None else client_ip(request),
    )
