from django.views.generic import TemplateView

from sets import queries
from sets.models import Membership


class HomeView(TemplateView):
    """What each person has, by role: sets they facilitate, belong to, and programmes they run."""

    template_name = "sets/home.html"
    extra_context = {"nav_section": "home"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(queries.my_memberships(user))
        roles = {set_id: role for set_id, role, left_at in memberships if left_at is None}
        current = queries.current_sets(user, roles) if roles else []
        facilitated = [s for s in current if s.my_role == Membership.Role.FACILITATOR]
        programmes = list(queries.administered_programmes(user))
        return super().get_context_data(
            left=[] if current or programmes else self.left_sets(memberships, roles),
            facilitated=facilitated,
            belonged=[s for s in current if s.my_role == Membership.Role.MEMBER],
            programmes=programmes,
            # The navigation's role links, from the lists this page shows anyway.
            nav_is_facilitator=bool(facilitated),
            nav_is_programme_admin=bool(programmes),
            **kwargs,
        )

    @staticmethod
    def left_sets(memberships, roles):
        """Only a page with nothing else on it says which sets the person has left."""
        left_on = {}
        for set_id, _, left_at in memberships:
            if left_at is not None and set_id not in roles:
                left_on[set_id] = max(left_at, left_on.get(set_id, left_at))
        return queries.left_sets(left_on) if left_on else []
