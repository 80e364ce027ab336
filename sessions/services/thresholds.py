"""A programme's inaction thresholds, as its admins set them (docs/signals.md#thresholds).
Not audited, like the rest of a programme's settings."""

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from alsspace.models import User
from sessions.models import SignalThresholds
from sets.models import Programme


@transaction.atomic
def save_thresholds(
    programme: Programme, values: Mapping[str, int | Decimal], *, actor: User
) -> SignalThresholds:
    """Store the programme's thresholds, making its row the first time. `actor` is the
    programme admin saving them; the view has checked they may."""
    thresholds, _ = SignalThresholds.objects.update_or_create(
        programme=programme, defaults=dict(values)
    )
    return thresholds
