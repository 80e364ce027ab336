"""A programme's pulse statements: its admins choose what its sets' pulse asks, and whether
it asks about challenge (docs/product.md#pulse). They never see a set's results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin, PermittedObjectMixin
from alsspace.submissions import SubmitOnceMixin
from sessions import pulse, queries
from sessions.forms.pulse_items import PulseItemsForm
from sessions.services.pulse_items import MAX_ITEMS, save_pulse_items
from sets.queries import administered_programmes


class PulseItemsView(SubmitOnceMixin, PermittedObjectMixin, InvalidIs400Mixin, FormView):
    """Only the programme's admins find it: everyone else gets 404."""

    scope = staticmethod(administered_programmes)
    permission = "meetings.configure_pulse_programme"
    template_name = "sessions/pulse_items.html"
    form_class = PulseItemsForm
    extra_context = {"nav_section": "programmes", "page_title": gettext_lazy("Pulse statements")}

    @property
    def programme(self):
        return self.permitted_object

    @cached_property
    def items(self):
        return pulse.programme_items(self.programme)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": self.items}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.programme,
            scale=pulse.SCALE,
            max_items=MAX_ITEMS,
            stretch_mark=queries.signal_thresholds(self.programme).stretch_mark,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            changed = save_pulse_items(
                self.programme,
                form.cleaned_data["wanted"],
                challenge=form.cleaned_data["challenge"],
                actor=self.request.user,
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Pulse statements saved. Meetings already answered keep the statements they "
                "were asked."
            )
            if changed
            else _("Nothing had changed, so nothing was saved."),
        )
        return redirect(reverse("meetings:pulse_items", args=[self.programme.pk]))
