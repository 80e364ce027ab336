"""Journal text encrypted at rest with keys held outside the database.

The column holds a Fernet token; the model attribute holds the text. Keys come from
`settings.JOURNAL_KEYS` (newest first): the newest encrypts, every key decrypts, so a key can
be retired once `manage.py rotate_journal_keys` has re-encrypted everything under a newer one.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

MISSING_KEYS = (
    "JOURNAL_KEYS is not set, so journal entries can be neither written nor read. Set it to "
    "one or more Fernet keys, newest first (`make run` makes a development key for you)."
)


def journal_keys():
    keys = tuple(settings.JOURNAL_KEYS)
    if not keys:
        raise ImproperlyConfigured(MISSING_KEYS)
    return keys


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
            "A journal entry cannot be decrypted with any key in JOURNAL_KEYS: "
            "a key it was written with has been removed."
        ) from None


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. The database can neither read nor search it, so lookups
    are refused: filter in Python after decrypting, for the author only."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def get_lookup(self, lookup_name):
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot compare it "
            f"({lookup_name!r}). Decrypt the author's own rows and filter in Python."
        )
