"""My data: download everything I wrote, and erase my account."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView, View

from alsspace.audit import client_ip
from reflections import queries, services
from reflections.forms import ERASE_CONFIRMATION, EraseAccountForm
from reflections.views.mixins import PrivatePageMixin
from sessions.models import Action


class MyDataView(PrivatePageMixin, TemplateView):
    template_name = "reflections/my_data.html"
    extra_context = {"nav_section": "account"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            entry_count=queries.own_entries(user).count(),
            action_count=Action.objects.filter(owner=user).count(),
            **kwargs,
        )


class MyDataDownloadView(PrivatePageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        data = services.export_my_data(request.user, ip=client_ip(request))
        filename = f"alsspace-my-data-{timezone.localdate().isoformat()}.zip"
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class EraseAccountView(PrivatePageMixin, FormView):
    template_name = "reflections/erase_account.html"
    form_class = EraseAccountForm
    extra_context = {
        "nav_section": "account",
        "confirmation_phrase": gettext_lazy(ERASE_CONFIRMATION),
    }

    @method_decorator(sensitive_post_parameters("password", "code"))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            stranded=list(services.programmes_only_administered_by(user)),
            mfa_enabled=is_mfa_enabled(user),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            services.erase_account(actor=self.request.user, ip=client_ip(self.request))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            _(
                "Your account is erased: your journal is deleted and your name is gone from "
                "attendance records. You have been signed out."
            ),
        )
        return redirect("account_login")
