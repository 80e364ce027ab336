"""Writing audit events. Every sensitive act goes through `record`."""

from alsspace.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request):
    # REMOTE_ADDR is the proxy behind a load balancer; the README says how to set it there.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action, *, request=None, actor=None, programme=None, subject="", **detail):
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        programme_id=getattr(programme, "pk", programme),
        subject=str(subject)[:300],
        detail=detail,
        ip_address=client_ip(request),
    )
