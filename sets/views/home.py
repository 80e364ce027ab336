from django.utils import timezone
from django.views.generic import TemplateView

from sets import queries
from sets.models import Membership


class HomeView(TemplateView):
    """What each person has, by role: sets they facilitate, belong to, and programmes they run."""

    template_name = "sets/home.html"
    extra_context = {"nav_section": "home"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        places = list(queries.my_places(user))
        programme_ids = [pk for pk, role, _ in places if role == queries.PROGRAMME_ADMIN]
        memberships = [place for place in places if place[1] != queries.PROGRAMME_ADMIN]
        roles = {pk: role for pk, role, left_at in memberships if left_at is None}
        current = queries.current_sets(user, roles) if roles else []
        facilitated = [s for s in current if s.my_role == Membership.Role.FACILITATOR]
        programmes = list(queries.programmes(programme_ids)) if programme_ids else []
        return super().get_context_data(
            # Nudges are of sets one is in now: nobody in a set has none to read.
            notices=queries.notices(user, timezone.now()) if roles else [],
            current_sets=current,
            left=[] if current or programmes else self.left_sets(memberships),
            facilitated=facilitated,
            belonged=[s for s in current if s.my_role == Membership.Role.MEMBER],
            programmes=programmes,
            # Programmes the person signed up to through single sign-on, with no set yet.
            waiting=list(queries.programmes_waited_in(user)),
            # The navigation's role links, from the lists this page shows anyway.
            nav_is_facilitator=bool(facilitated),
            nav_is_programme_admin=bool(programmes),
            **kwargs,
        )

    @staticmethod
    def left_sets(memberships):
        """Only a page with nothing else on it says which sets the person has left: those
        they are not in now, with when they last left."""
        current = {pk for pk, _, left_at in memberships if left_at is None}
        left_on = {}
        for pk, _, left_at in memberships:
            if pk not in current:
                left_on[pk] = max(left_at, left_on.get(pk, left_at))
        return queries.left_sets(left_on) if left_on else []
