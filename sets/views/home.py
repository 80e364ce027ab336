from django.views.generic import TemplateView

from sets import queries


class HomeView(TemplateView):
    """What each person has, by role: sets they facilitate, belong to, and programmes they run."""

    template_name = "sets/home.html"
    extra_context = {"nav_section": "home"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            facilitated=queries.facilitated_sets(user),
            belonged=queries.member_sets(user),
            programmes=queries.administered_programmes(user),
            **kwargs,
        )
