from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "sets"
    verbose_name = "Programmes and sets"

    def ready(self) -> None:
        from sets import receivers

        receivers.connect()
