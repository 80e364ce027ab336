"""A programme's inaction thresholds: when each learning-inaction signal prompts its sets'
facilitators (docs/signals.md#thresholds). The programme's admins set them."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from alsspace.mixins import InvalidIs400Mixin, PermittedObjectMixin
from sessions import queries
from sessions.forms.thresholds import SignalThresholdsForm
from sessions.services.thresholds import save_thresholds
from sets.queries import administered_programmes


class SignalThresholdsView(PermittedObjectMixin, InvalidIs400Mixin, FormView):
    """Only the programme's admins find it: everyone else gets 404."""

    scope = staticmethod(administered_programmes)
    permission = "sets.change_programme"
    template_name = "sessions/thresholds.html"
    form_class = SignalThresholdsForm
    extra_context = {"nav_section": "programmes"}

    @property
    def programme(self):
        return self.permitted_object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": queries.signal_thresholds(self.programme)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)

    def form_valid(self, form):
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        save_thresholds(self.programme, values, actor=self.request.user)
        messages.success(self.request, _("Inaction prompt thresholds saved."))
        return redirect(self.programme)
