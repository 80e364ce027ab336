"""Making and revoking a programme's API tokens, audited, and stamping a token's use
(docs/api.md#tokens)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from alsspace.audit import record
from alsspace.models import User
from api import tokens
from api.audit_actions import ApiAction
from api.models import ApiToken
from sets.models import Programme

# A token's last use is written at most this often, so that most requests write nothing.
LAST_USED_EVERY = timedelta(minutes=1)


def expiry_of(programme: Programme, last_day: date | None) -> datetime | None:
    """A token chosen to work until `last_day` stops at the end of that day in the
    programme's time zone."""
    if last_day is None:
        return None
    return datetime.combine(last_day + timedelta(days=1), time.min, ZoneInfo(programme.time_zone))


@transaction.atomic
def create_token(
    programme: Programme, *, name: str, last_day: date | None, actor: User, ip: str | None
) -> tuple[ApiToken, str]:
    """A new token for the programme, and the token itself, which is never stored and can
    be shown only now."""
    expires_at = expiry_of(programme, last_day)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(gettext("A token must work for at least the rest of today."))
    made = tokens.new_token()
    token = ApiToken.objects.create(
        programme=programme,
        name=name,
        prefix=made.prefix,
        secret_hash=made.secret_hash,
        created_by=actor,
        expires_at=expires_at,
    )
    record(
        ApiAction.TOKEN_CREATED,
        actor=actor,
        ip=ip,
        programme=programme,
        subject=programme.name,
        token=f"{token.name} ({token.prefix})",
    )
    return token, made.raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User, ip: str | None) -> bool:
    """Revoke the token from now on; False if it had been revoked already."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if not revoked:
        return False
    record(
        ApiAction.TOKEN_REVOKED,
        actor=actor,
        ip=ip,
        programme=token.programme_id,
        subject=token.programme.name,
        token=f"{token.name} ({token.prefix})",
    )
    return True


def stamp_use(token: ApiToken, now: datetime) -> None:
    """Note that the token was used: one conditional UPDATE, at most once a LAST_USED_EVERY."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
