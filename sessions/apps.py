from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from sessions import receivers  # noqa: F401  (connects the receivers)
