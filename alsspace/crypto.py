"""Text encrypted at rest with keys held outside the database: journals and what is said in a set.

The column holds a Fernet token; the model attribute holds the text. Keys come from
`settings.JOURNAL_KEYS` (the name predates set content; newest first): the newest encrypts,
every key decrypts, so a key can be retired once `manage.py rotate_keys` has re-encrypted
everything under a newer one.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models, transaction
from django.db.models.functions import Cast

MISSING_KEYS = (
    "JOURNAL_KEYS is not set, so journal entries and set content can be neither written nor "
    "read. Set it to one or more Fernet keys, newest first (`make run` makes a development key "
    "for you)."
)


def journal_keys():
    keys = tuple(settings.JOURNAL_KEYS)
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    return keys


def keys_check(app_configs, **kwargs):
    """Production refuses to start without keys (settings.py); development is warned here,
    because journal and meeting pages fail until a key is set."""
    if settings.JOURNAL_KEYS:
        return []
    return [
        checks.Warning(
            "JOURNAL_KEYS is not set: journal entries and set content can be neither written "
            "nor read.",
            hint="Run the app with `make run`, which makes a development key in "
            ".local/journal.key, or set JOURNAL_KEYS to a key from "
            "cryptography.fernet.Fernet.generate_key().",
            id="alsspace.W001",
        )
    ]


@lru_cache(maxsize=4)
def _fernets(keys):
    return MultiFernet([Fernet(key) for key in keys]), Fernet(keys[0])


def fernet():
    """Every configured key, newest first: encrypts with the newest, decrypts with any."""
    return _fernets(journal_keys())[0]


def newest_fernet():
    return _fernets(journal_keys())[1]


def encrypt(text):
    return fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "Text encrypted at rest cannot be decrypted with any key in JOURNAL_KEYS: "
            "a key it was written with has been removed."
        ) from None


def is_token(value):
    """Whether a stored value is a token some configured key decrypts."""
    try:
        fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. The database can neither read nor search it, so lookups
    are refused: filter, order and search in Python after decrypting rows already scoped to
    someone allowed to read them."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def get_lookup(self, lookup_name):
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot compare it "
            f"({lookup_name!r}). Decrypt rows the reader may see and filter in Python."
        )


def encrypted_field_names(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def raw_tokens(model, names):
    """The stored values themselves: a plain text cast skips decryption on the way out."""
    casts = {f"raw_{name}": Cast(name, output_field=models.TextField()) for name in names}
    return model.objects.order_by("pk").annotate(**casts).values("pk", *casts)


def rewrite_in_batches(model, names, rewrite, batch_size=500):
    """Apply rewrite(name, stored) -> new stored value or None (leave it) to every row's
    encrypted columns, one transaction per batch of rows. Returns (checked, rewritten)."""
    checked = rewritten = 0
    last_pk = None
    while True:
        with transaction.atomic():
            rows = raw_tokens(model, names).select_for_update()
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            rows = list(rows[:batch_size])
            if not rows:
                return checked, rewritten
            for row in rows:
                changes = {}
                for name in names:
                    stored = row[f"raw_{name}"]
                    new = None if stored is None else rewrite(row["pk"], name, stored)
                    if new is not None:
                        changes[name] = models.Value(new, output_field=models.TextField())
                if changes:
                    model.objects.filter(pk=row["pk"]).update(**changes)
                    rewritten += 1
            checked += len(rows)
            last_pk = rows[-1]["pk"]


def _encrypt_plain(pk, name, stored):
    return None if is_token(stored) else encrypt(stored)


def _decrypt_token(pk, name, stored):
    return decrypt(stored) if is_token(stored) else None


def encrypt_existing(app_label, model_name, *names):
    """A data migration's forward step: encrypt the plaintext left in these columns by a
    schema migration that made them encrypted. Values already encrypted are left alone, so it
    can be run again after an interruption."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if model.objects.exists():
            journal_keys()
            rewrite_in_batches(model, list(names), _encrypt_plain)

    return forward


def decrypt_existing(app_label, model_name, *names):
    """The reverse of encrypt_existing: put plaintext back before the columns are unsealed."""

    def backward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if model.objects.exists():
            journal_keys()
            rewrite_in_batches(model, list(names), _decrypt_token)

    return backward
