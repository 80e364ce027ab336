"""The programme admins' page of API tokens (docs/api.md#tokens): the tokens, a form to make
one, shown once, and a button to revoke each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from alsspace import crypto
from alsspace.audit import client_ip
from alsspace.submissions import SubmitOnceMixin
from api import queries, services
from api.forms import RevokeTokenForm, TokenForm
from sets.views.mixins import AdministeredProgrammeMixin

# Where a new token waits, encrypted, for the one page that shows it.
NEW_TOKEN_KEY = "api_new_token"  # noqa: S105  (a session key, not a secret)


@method_decorator(never_cache, name="dispatch")
class ApiTokensView(SubmitOnceMixin, AdministeredProgrammeMixin, DetailView):
    """Only the programme's admins find it: everyone else gets 404."""

    permission = "api.manage_tokens_programme"
    template_name = "api/tokens.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", TokenForm())
        new = self.request.session.pop(NEW_TOKEN_KEY, None)
        shown = None
        if new and new.get("programme") == self.programme.pk:
            shown = {"pk": new["pk"], "token": crypto.decrypt(new["token"])}
        return super().get_context_data(
            tokens=list(queries.programme_tokens(self.programme)), new_token=shown, **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.object = self.programme
        if "revoke" in request.POST:
            return self.revoke(RevokeTokenForm(request.POST, tokens=self.revocable()))
        return self.create(TokenForm(request.POST))

    def revocable(self):
        return queries.programme_tokens(self.programme).filter(revoked_at__isnull=True)

    def create(self, form):
        if form.is_valid():
            try:
                token, raw = services.create_token(
                    self.programme,
                    name=form.cleaned_data["name"],
                    last_day=form.cleaned_data["last_day"],
                    actor=self.request.user,
                    ip=client_ip(self.request),
                )
            except ValidationError as error:
                form.add_error("last_day", error)
            else:
                # Kept encrypted in the session for the next page only, never in the clear.
                self.request.session[NEW_TOKEN_KEY] = {
                    "programme": self.programme.pk,
                    "pk": token.pk,
                    "token": crypto.encrypt(raw),
                }
                messages.success(
                    self.request, _("Token “%(name)s” created.") % {"name": token.name}
                )
                return redirect("api:tokens", self.programme.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def revoke(self, form):
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(revoke_error=form.errors["revoke"][0]), status=400
            )
        token = form.cleaned_data["revoke"]
        services.revoke_token(token, actor=self.request.user, ip=client_ip(self.request))
        messages.success(
            self.request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
        )
        return redirect("api:tokens", self.programme.pk)
