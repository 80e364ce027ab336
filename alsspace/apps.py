from django.apps import AppConfig


class AlsSpaceConfig(AppConfig):
    name = "alsspace"
    verbose_name = "ALS Space"

    def ready(self):
        from alsspace import audit_signals  # noqa: F401  (connects receivers)
