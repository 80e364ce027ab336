from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "sets"
    verbose_name = "Programmes and sets"

    def ready(self) -> None:
        from alsspace import audit_actions, mfa, places
        from sets import receivers
        from sets.audit_actions import SET_ACTIONS
        from sets.rules import is_required_to_use_mfa

        receivers.connect()
        audit_actions.register(*SET_ACTIONS)
        # A programme may require two-factor sign-in of its facilitators and admins.
        mfa.register_requirement(is_required_to_use_mfa)

        # The navigation's links to this app's pages (alsspace/places.py).
        places.register_place(places.Place("home", "My sets", "home", order=10))
        places.register_place(
            places.Place(
                "programmes",
                "Programmes",
                "sets:programmes",
                order=60,
                shown_if="nav_is_programme_admin",
            )
        )
        # The account menu's link to choosing one's nudges (docs/product.md#nudges).
        places.contribute("account_menu", "sets/contributions/account_menu.html")
