from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from django.core import checks

        from sessions import receivers  # noqa: F401  (connects the receivers)
        from sessions.checks import sqlite_has_full_join

        checks.register(sqlite_has_full_join, checks.Tags.database)
