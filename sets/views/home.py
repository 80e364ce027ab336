from django.views.generic import TemplateView

from sets import queries
from sets.models import Membership


class HomeView(TemplateView):
    """What each person has, by role: sets they facilitate, belong to, and programmes they run."""

    template_name = "sets/home.html"
    extra_context = {"nav_section": "home"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        current = list(queries.current_sets(user))
        facilitated = [s for s in current if s.my_role == Membership.Role.FACILITATOR]
        programmes = list(queries.administered_programmes(user))
        # Only a page with nothing else on it says which sets the person has left.
        left = [] if current or programmes else list(queries.left_sets(user))
        return super().get_context_data(
            left=left,
            facilitated=facilitated,
            belonged=[s for s in current if s.my_role == Membership.Role.MEMBER],
            programmes=programmes,
            # The navigation's role links, from the lists this page shows anyway.
            nav_is_facilitator=bool(facilitated),
            nav_is_programme_admin=bool(programmes),
            **kwargs,
        )
