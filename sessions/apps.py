from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MeetingsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "meetings"
    verbose_name = gettext_lazy("Meetings")

    def ready(self):
        from django.core import checks

        from alsspace import audit_actions, places
        from sessions import pulse, receivers  # noqa: F401  (connects the receivers)
        from sessions.audit_actions import MEETING_ACTIONS
        from sessions.checks import sqlite_has_full_join
        from sets import validators
        from sets.models import LearningSet, Programme

        checks.register(sqlite_has_full_join, checks.Tags.database)
        audit_actions.register(*MEETING_ACTIONS)
        # What a programme's pulse threshold or a set's pulse window would do to published
        # pulse results is this app's to check (sets/validators.py).
        validators.register(Programme, pulse.publish_before_threshold_change)
        validators.register(LearningSet, pulse.refuse_reopening_window)

        # The navigation's links to this app's pages, and its parts of the sets app's pages
        # (alsspace/places.py), so that their templates never name this app's URLs or tags.
        places.register_place(
            places.Place("actions", gettext_lazy("My actions"), "meetings:my_actions", 20)
        )
        places.register_place(
            places.Place("calendar", gettext_lazy("My calendar"), "meetings:my_calendar", 30)
        )
        places.register_place(
            places.Place(
                "dashboard",
                gettext_lazy("Dashboard"),
                "meetings:dashboards",
                order=50,
                shown_if="nav_is_facilitator",
            )
        )
        places.contribute("home.coming_up", "sessions/contributions/home_coming_up.html")
        places.contribute("set_page.schedule", "sessions/contributions/set_schedule.html")
        places.contribute("set_page.actions", "sessions/contributions/set_actions.html")
        places.contribute("programme_page.actions", "sessions/contributions/programme_actions.html")
        # Value stories: the person's own in the account menu, and on the closing review each
        # entry's story and the author's way to tell theirs (docs/product.md#value-stories).
        places.contribute("account_menu", "sessions/contributions/account_menu.html")
        places.contribute("closing_review.entry", "sessions/contributions/closing_entry_story.html")
        places.contribute("closing_review.own", "sessions/contributions/closing_own_story.html")
