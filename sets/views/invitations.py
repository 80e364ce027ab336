"""The page an emailed invitation link opens. It is public: the signed link is the credential.

Whoever opens it is led to join: straight away when signed in with the invited address, through
sign-in when that address has an account, and through signup (the link proves the address)
when it does not.
"""

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import View

from alsspace.audit import client_ip
from alsspace.submissions import SubmitOnceMixin
from sets import services
from sets.accounts import SESSION_KEY
from sets.models import INVITATION_SALT, Invitation


def spent_invitation(token):
    """The invitation a genuine link stands for, once it can no longer be used; None if forged."""
    try:
        key = signing.Signer(salt=INVITATION_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Invitation.objects.filter(key=key).first()


@method_decorator(login_not_required, name="dispatch")
class InvitationView(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request, token):
        self.token = token
        self.invitation = Invitation.objects.from_token(token)
        if self.invitation is None:
            return self.unusable(spent_invitation(token))
        return super().dispatch(request, token)

    def unusable(self, invitation):
        if invitation is None:
            return render(
                self.request, "sets/invitation_invalid.html", {"state": "unknown"}, status=404
            )
        user = self.request.user
        if user.is_authenticated and invitation.accepted_by_id == user.pk:
            messages.info(self.request, _("You have already joined this set."))
            return redirect(invitation.learning_set)
        return render(
            self.request, "sets/invitation_invalid.html", {"state": invitation.state}, status=410
        )

    def addressed_to(self, user):
        return user.email.lower() == self.invitation.email.lower()

    def get(self, request, token):
        if request.user.is_authenticated:
            return self.for_signed_in(request.user)
        request.session[SESSION_KEY] = token
        User = get_user_model()
        if User.objects.filter(email__iexact=self.invitation.email).exists():
            login_url = reverse("account_login")
            next_query = urlencode({"next": self.invitation.link()})
            return self.page("sets/invitation_sign_in.html", login_url=f"{login_url}?{next_query}")
        # The emailed link proves the address, so the new account starts verified.
        get_adapter(request).stash_verified_email(request, self.invitation.email)
        return redirect("account_signup")

    def for_signed_in(self, user, status=200, error=None):
        if self.addressed_to(user):
            return self.page("sets/invitation_accept.html", status=status, error=error)
        return self.page("sets/invitation_wrong_account.html", status=status)

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect(self.invitation.link())
        try:
            membership = services.accept_invitation(
                self.invitation, actor=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            spent = spent_invitation(token)
            if spent is not None and spent.accepted_by_id == request.user.pk:
                return self.unusable(spent)  # accepted a moment ago, by another request
            return self.for_signed_in(request.user, status=400, error=error.messages[0])
        request.session.pop(SESSION_KEY, None)
        learning_set = membership.learning_set
        if request.user.has_perm("sets.accept_contract_learningset", learning_set):
            messages.success(
                request,
                _(
                    "Welcome to %(set)s. Please read the set's contract and accept it to open "
                    "the set's content."
                )
                % {"set": learning_set},
            )
            return redirect("sets:contract", learning_set.pk)
        messages.success(request, _("Welcome to %(set)s.") % {"set": learning_set})
        return redirect(learning_set)

    def page(self, template_name, status=200, **context):
        invitation = self.invitation
        return render(
            self.request,
            template_name,
            {
                "invitation": invitation,
                "learning_set": invitation.learning_set,
                "programme": invitation.learning_set.programme,
                **context,
            },
            status=status,
        )


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class SignupView(SubmitOnceMixin, AllauthSignupView):
    """allauth's signup, which an invitation opens, done once: a double tap makes one account
    and sends the second tap where the first went."""
