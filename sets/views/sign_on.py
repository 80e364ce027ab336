"""A programme's single sign-on page: which identity provider its people sign in with, which
email domains may sign up through it without an invitation, and who is waiting for a set
(docs/sso.md#linking-a-programme)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sets import queries, services
from sets.forms.sign_on import OFF, SignOnForm
from sets.sign_on import identity_providers
from sets.views.mixins import AdministeredProgrammeMixin


class ProgrammeSignOnView(SubmitOnceMixin, AdministeredProgrammeMixin, InvalidIs400Mixin, FormView):
    permission = "sets.change_programme"
    form_class = SignOnForm
    template_name = "sets/programme_sign_on.html"

    @cached_property
    def providers(self):
        return identity_providers(self.request)

    @cached_property
    def sign_on(self):
        return queries.programme_sign_on(self.programme)

    def get_initial(self):
        if self.sign_on is None:
            return {"provider_id": OFF}
        return {
            "provider_id": self.sign_on.provider_id,
            "open_domains": ", ".join(self.sign_on.open_domains),
        }

    def get_form_kwargs(self):
        providers = dict(self.providers)
        if self.sign_on is not None and self.sign_on.provider_id not in providers:
            # Kept choosable, so that saving the page does not unlink it by accident.
            providers[self.sign_on.provider_id] = _("%(provider)s (not configured)") % {
                "provider": self.sign_on.provider_id
            }
        return {**super().get_form_kwargs(), "providers": providers}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sign_on=self.sign_on,
            provider_name=self.providers.get(self.sign_on.provider_id) if self.sign_on else None,
            has_providers=bool(self.providers),
            waiting=queries.waiting_for_a_set(self.programme),
            **kwargs,
        )

    def form_valid(self, form):
        provider_id = form.cleaned_data["provider_id"]
        if provider_id == OFF:
            provider_id = None
        sign_on = services.link_sign_on(
            self.programme,
            provider_id,
            form.cleaned_data["open_domains"],
            actor=self.request.user,
            ip=client_ip(self.request),
        )
        if sign_on is None:
            messages.success(
                self.request, _("Single sign-on is off: people sign in with passwords.")
            )
        else:
            messages.success(self.request, _("Single sign-on saved."))
        return redirect("sets:programme_sign_on", self.programme.pk)
