from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext
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
        left = [] if current or programmes else self.left_sets(memberships)
        waiting = list(queries.programmes_waited_in(user))
        return super().get_context_data(
            # Nudges are of sets one is in now: nobody in a set has none to read.
            notices=queries.notices(user, timezone.now()) if roles else [],
            current_sets=current,
            left=left,
            left_names=self.left_names(left, user.time_zone),
            facilitated=facilitated,
            belonged=[s for s in current if s.my_role == Membership.Role.MEMBER],
            programmes=programmes,
            # Programmes the person signed up to through single sign-on, with no set yet.
            waiting=waiting,
            waiting_names=get_text_list(
                [entry.programme.name for entry in waiting], gettext("and")
            ),
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

    @staticmethod
    def left_names(left, time_zone):
        """The sets left, for one sentence: "<strong>Set</strong> (Programme) on 3 March
        2026", joined with commas and a last "and", in the person's language and time zone."""
        zone = ZoneInfo(time_zone)
        items = [
            format_html(
                gettext("<strong>{name}</strong> ({programme}) on {date}"),
                name=learning_set.name,
                programme=learning_set.programme.name,
                date=date_format(timezone.localtime(learning_set.left_on, zone), "j F Y"),
            )
            for learning_set in left
        ]
        # Each item is escaped by format_html; the separators are the catalogue's own words.
        return mark_safe(get_text_list(items, gettext("and")))  # noqa: S308
