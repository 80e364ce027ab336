"""A person's own details: their name, time zone and language (docs/languages.md)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import UpdateView

from alsspace.mixins import InvalidIs400Mixin, PermissionMixin
from alsspace.submissions import SubmitOnceMixin
from sets.forms.details import DetailsForm


class DetailsView(SubmitOnceMixin, PermissionMixin, InvalidIs400Mixin, UpdateView):
    permission = "sets.change_own_details"
    form_class = DetailsForm
    template_name = "sets/details.html"
    extra_context = {"nav_section": "account"}

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        person = form.save()
        # The confirmation, and every page after it, are in the language just chosen; the
        # cookie keeps it on the sign-in page after signing out.
        language = person.language or translation.get_language_from_request(self.request)
        translation.activate(language)
        messages.success(self.request, _("Your details are saved."))
        response = redirect("sets:details")
        if person.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                person.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
