from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SetsConfig(AppConfig):
    name = "sets"
    verbose_name = gettext_lazy("Programmes and sets")

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
        places.register_place(places.Place("home", gettext_lazy("My sets"), "home", order=10))
        places.register_place(
            places.Place(
                "programmes",
                gettext_lazy("Programmes"),
                "sets:programmes",
                order=60,
                shown_if="nav_is_programme_admin",
            )
        )
        # The account menu's link to choosing one's nudges (docs/product.md#nudges).
        places.contribute("account_menu", "sets/contributions/account_menu.html")
        # Single sign-on (docs/sso.md): the programme page's link to its identity provider, and
        # the account menu's to the providers linked to one's account.
        places.contribute("programme_page.actions", "sets/contributions/programme_sign_on.html")
        places.contribute("account_menu", "sets/contributions/account_sign_on.html", order=110)
