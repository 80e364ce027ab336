from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReflectionsConfig(AppConfig):
    name = "reflections"
    verbose_name = gettext_lazy("Reflections")

    def ready(self):
        from alsspace import audit_actions, places
        from reflections.audit_actions import REFLECTION_ACTIONS

        audit_actions.register(*REFLECTION_ACTIONS)

        # The navigation's link to the journal, and this app's parts of lower apps' pages
        # (alsspace/places.py), so that their templates never name this app's URLs.
        places.register_place(
            places.Place("journal", gettext_lazy("My journal"), "reflections:journal", 40)
        )
        places.contribute("home.after_leaving", "reflections/contributions/home_after_leaving.html")
        places.contribute(
            "my_actions.not_listed", "reflections/contributions/my_actions_not_listed.html"
        )
        places.contribute("meeting_page.held", "reflections/contributions/meeting_held.html")
