"""What keeps the memo of people's standing in sets (sets.rules.standing) true: any change
to a membership, a contract, an acceptance of one, a set's programme or a programme's admins,
by whatever path (a service, a form, the operator admin, an account deleted with its
memberships), drops every memoised standing, so the next check asks the database again."""

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from sets.models import Contract, ContractAcceptance, LearningSet, Membership, Programme
from sets.rules import standings_changed

# What a standing is made of (sets.rules._load_standing). Connected model by model, not to
# every sender, so that deleting rows of other models keeps Django's fast path.
STANDING_MODELS: tuple[type[Model], ...] = (Membership, Contract, ContractAcceptance, LearningSet)


def row_changed(sender: type[Model], **kwargs: Any) -> None:
    standings_changed()


def admins_changed(sender: type[Model], action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        standings_changed()


def connect() -> None:
    for model in STANDING_MODELS:
        post_save.connect(row_changed, sender=model, dispatch_uid=f"standing-save-{model.__name__}")
        post_delete.connect(
            row_changed, sender=model, dispatch_uid=f"standing-delete-{model.__name__}"
        )
    m2m_changed.connect(
        admins_changed, sender=Programme.admins.through, dispatch_uid="standing-admins"
    )
