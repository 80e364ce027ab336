from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = "Meetings"
