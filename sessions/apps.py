from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from django.core import checks

        from sessions import pulse, receivers  # noqa: F401  (connects the receivers)
        from sessions.checks import sqlite_has_full_join
        from sets import validators
        from sets.models import LearningSet, Programme

        checks.register(sqlite_has_full_join, checks.Tags.database)
        # What a programme's pulse threshold or a set's pulse window would do to published
        # pulse results is this app's to check (sets/validators.py).
        validators.register(Programme, pulse.publish_before_threshold_change)
        validators.register(LearningSet, pulse.refuse_reopening_window)
