from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only API for a programme's rosters, schedules and attendance
    (docs/api.md), and the pages where its admins manage its tokens. A layer of its own
    beside `reflections`, at the top: it reads `sessions` and `sets`, and import-linter
    keeps it from ever importing the journal."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from alsspace import audit_actions, places
        from api import rules  # noqa: F401  (declares the permissions)
        from api.audit_actions import API_ACTIONS

        audit_actions.register(*API_ACTIONS)
        places.contribute("programme_page.actions", "api/contributions/programme_actions.html")
