from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = "Reflections"

    def ready(self):
        checks.register(journal_keys_check)


def journal_keys_check(app_configs, **kwargs):
    """Production refuses to start without keys (settings.py); development is warned here,
    because journal pages fail until a key is set."""
    if settings.JOURNAL_KEYS:
        return []
    return [
        checks.Warning(
            "JOURNAL_KEYS is not set: journal entries can be neither written nor read.",
            hint="Run the app with `make run`, which makes a development key in "
            ".local/journal.key, or set JOURNAL_KEYS to a key from "
            "cryptography.fernet.Fernet.generate_key().",
            id="reflections.W001",
        )
    ]
