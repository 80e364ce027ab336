from django.utils.functional import SimpleLazyObject

from sets.models import Membership
from sets.rules import administered_programme_ids


def navigation(request):
    """Which role-based links the navigation bar shows; evaluated only when it renders."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_programme_admin": SimpleLazyObject(lambda: bool(administered_programme_ids(user))),
        # The set dashboard is for the set's facilitators.
        "nav_is_facilitator": SimpleLazyObject(
            lambda: (
                Membership.objects.current()
                .filter(user=user, role=Membership.Role.FACILITATOR)
                .exists()
            )
        ),
    }
