"""A person's nudges: dismissing a notice from their home page, and choosing on their
notifications page which kinds they get (docs/product.md#nudges)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from alsspace.mixins import InvalidIs400Mixin, PermissionMixin, PermittedObjectMixin
from alsspace.submissions import SubmitOnceMixin
from sets import nudges, queries
from sets.forms.nudges import NudgeChoiceForm
from sets.models import ESSENTIAL_NUDGES, Nudge


class NotificationsView(SubmitOnceMixin, PermissionMixin, InvalidIs400Mixin, FormView):
    permission = "sets.choose_nudges"
    form_class = NudgeChoiceForm
    template_name = "sets/notifications.html"
    extra_context = {
        "nav_section": "account",
        "essential": [Nudge.Kind(kind).label for kind in sorted(ESSENTIAL_NUDGES)],
    }

    def get_initial(self):
        off = nudges.turned_off(self.request.user)
        return {"kinds": [kind.value for kind in nudges.OPTIONAL_KINDS if kind not in off]}

    def form_valid(self, form):
        nudges.choose_kinds(self.request.user, form.cleaned_data["kinds"])
        messages.success(self.request, _("Your choices are saved."))
        return redirect("sets:notifications")


class DismissNudgeView(SubmitOnceMixin, PermittedObjectMixin, View):
    """Take a notice off the home page for good; anyone else's is not found."""

    scope = staticmethod(queries.own_nudges)
    permission = "sets.dismiss_nudge"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        nudges.dismiss(self.permitted_object, actor=request.user)
        return redirect("home")
