"""Re-encrypt every journal entry and draft under the newest key in JOURNAL_KEYS.

Put the new key first in JOURNAL_KEYS, keeping the old ones after it; run this; then remove
the old keys. Each batch is its own transaction, and a value already under the newest key is
left alone, so an interrupted run is finished by running it again.
"""

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from reflections.fields import EncryptedTextField, fernet, journal_keys, newest_fernet


def encrypted_models():
    """Every model with encrypted text, with the names of those fields."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def raw(name):
    """The stored token itself: a plain text cast skips decryption on the way out."""
    return f"raw_{name}"


def is_current(token):
    try:
        newest_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class Command(BaseCommand):
    help = "Re-encrypt journal text under the newest key in JOURNAL_KEYS (safe to re-run)."

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
            checked, rotated = self.rotate(model, names, batch_size)
            label = model._meta.verbose_name_plural
            self.stdout.write(
                f"{label.capitalize()}: checked {checked}, re-encrypted {rotated}, "
                f"{checked - rotated} already under the newest key."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Every entry can now be read with the first key alone; older keys may "
                "be removed from JOURNAL_KEYS."
            )
        )

    def rotate(self, model, names, batch_size):
        checked = rotated = 0
        last_pk = 0
        casts = {raw(name): Cast(name, output_field=models.TextField()) for name in names}
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .annotate(**casts)
                    .values("pk", *casts)[:batch_size]
                )
                if not rows:
                    return checked, rotated
                for row in rows:
                    changes = self.rotated_tokens(model, row, names)
                    if changes:
                        model.objects.filter(pk=row["pk"]).update(**changes)
                        rotated += 1
                checked += len(rows)
                last_pk = rows[-1]["pk"]

    def rotated_tokens(self, model, row, names):
        changes = {}
        for name in names:
            token = row[raw(name)]
            if token is None or is_current(token):
                continue
            try:
                new_token = fernet().rotate(token.encode()).decode()
            except InvalidToken:
                raise CommandError(
                    f"{model.__name__} {row['pk']}: {name} cannot be decrypted with any key "
                    "in JOURNAL_KEYS. Put back the key it was written with and run again."
                ) from None
            changes[name] = models.Value(new_token, output_field=models.TextField())
        return changes
