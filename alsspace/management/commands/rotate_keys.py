"""Re-encrypt all text encrypted at rest under the newest key in JOURNAL_KEYS: journal entries
and drafts, and what is said in a set (actions, topics, report-backs, reviews, contracts,
prompts and facilitators' notes).

Put the new key first in JOURNAL_KEYS, keeping the old ones after it; run this; then remove
the old keys. Each batch is its own transaction, and a value already under the newest key is
left alone, so an interrupted run is finished by running it again.
"""

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from alsspace.crypto import (
    encrypted_field_names,
    fernet,
    journal_keys,
    newest_fernet,
    rewrite_in_batches,
)


def encrypted_models():
    """Every model with encrypted text, with the names of those fields."""
    for model in apps.get_models():
        names = encrypted_field_names(model)
        if names:
            yield model, names


def is_current(token):
    try:
        newest_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Re-encrypt journals and set content under the newest key in JOURNAL_KEYS (safe to re-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows re-encrypted per transaction (default 500).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            keys = journal_keys()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Re-encrypting under the newest of {len(keys)} key(s).")
        for model, names in encrypted_models():
            checked, rotated = rewrite_in_batches(model, names, self.rotated(model), batch_size)
            label = model._meta.verbose_name_plural
            self.stdout.write(
                f"{label[:1].upper()}{label[1:]}: checked {checked}, "
                f"re-encrypted {rotated}, {checked - rotated} already under the newest key."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Everything can now be read with the first key alone; older keys may "
                "be removed from JOURNAL_KEYS."
            )
        )

    def rotated(self, model):
        def rotate(pk, name, token):
            if is_current(token):
                return None
            try:
                return fernet().rotate(token.encode()).decode()
            except InvalidToken:
                raise CommandError(
                    f"{model.__name__} {pk}: {name} cannot be decrypted with any key "
                    "in JOURNAL_KEYS. Put back the key it was written with and run again."
                ) from None

        return rotate
