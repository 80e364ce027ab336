"""A set's own pages: the set and its roster, invitations, removing members, the contract,
closing the set. The public invitation link page is in sets.views.invitations."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, FormView, TemplateView, View

from alsspace.audit import client_ip
from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sets import queries, services, shape
from sets import rules as set_rules
from sets.forms.learning_sets import (
    CONTRACT_STARTER,
    AcceptContractForm,
    AssignFacilitatorForm,
    ContractForm,
    InvitationForm,
    RemoveMemberForm,
    SetStatusForm,
)
from sets.models import Contract, Membership
from sets.views.mixins import CurrentContractMixin, SetPageMixin, version_saved

# How long the set page tells the people in a set who joined after them, and who let them in.
NEWCOMER_DAYS = timedelta(days=30)


def usual_length(minutes):
    hours, minutes = divmod(minutes, 60)
    said_hours = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    said_minutes = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if hours and minutes:
        # For example "1 hour 30 minutes".
        return _("%(hours)s %(minutes)s") % {"hours": said_hours, "minutes": said_minutes}
    if hours:
        return said_hours
    return said_minutes if minutes else ""


def day(moment):
    return date_format(timezone.localtime(moment), "j F Y")


def may_remove(user, learning_set, membership):
    """Facilitators remove members and may leave; removing another facilitator is for the
    programme admin, who assigns facilitators."""
    if not user.has_perm("sets.manage_members_learningset", learning_set):
        return False
    return (
        membership.role == Membership.Role.MEMBER
        or membership.user_id == user.pk
        or user.has_perm("sets.assign_facilitators_learningset", learning_set)
    )


# The set


class SetDetailView(SetPageMixin, DetailView):
    permission = "sets.view_learningset"
    template_name = "sets/set_detail.html"
    context_object_name = "learning_set"

    def get_context_data(self, **kwargs):
        user = self.request.user
        learning_set = self.learning_set
        standing = set_rules.standing(user, learning_set)
        contract = services.current_contract(learning_set)
        can_manage = user.has_perm("sets.manage_members_learningset", learning_set)
        roster = list(queries.roster(learning_set))
        for membership in roster:
            membership.removable = may_remove(user, learning_set, membership)
        members = [m for m in roster if m.role == Membership.Role.MEMBER]
        invitations = list(queries.open_invitations(learning_set)) if can_manage else []
        for invitation in invitations:
            invitation.learning_set = learning_set
            invitation.may_approve = user.has_perm("sets.approve_invitation", invitation)
        mine = next((m for m in roster if m.user_id == user.pk), None)
        recently = max(timezone.now() - NEWCOMER_DAYS, mine.joined_at) if mine else None
        return super().get_context_data(
            standing=standing,
            contract=contract,
            must_accept=bool(
                contract
                and not standing.accepted_contract
                and user.has_perm("sets.accept_contract_learningset", learning_set)
            ),
            facilitators=[m for m in roster if m.role == Membership.Role.FACILITATOR],
            members=members,
            # Facilitators and admins follow who still has to accept the current contract.
            sees_acceptance=bool(contract) and set_rules.can_manage_members(user, learning_set),
            not_accepted_count=sum(1 for m in members if not m.accepted_contract),
            can_manage=can_manage,
            invitations=invitations,
            # Who joined after this person, lately: whoever can now read, or will read, what
            # the set says, and who let them in.
            newcomers=[m for m in roster if mine and m.joined_at > recently],
            can_view_contract=user.has_perm("sets.view_contract_learningset", learning_set),
            # Members' proposed changes to the contract wait for its facilitator.
            proposals_to_decide=queries.open_amendment_count(learning_set)
            if user.has_perm("sets.change_contract_learningset", learning_set)
            else 0,
            can_edit_set=user.has_perm("sets.change_learningset", learning_set),
            can_close=user.has_perm("sets.close_learningset", learning_set),
            shape_warnings=(
                shape.size_warnings(*queries.set_size(learning_set))
                if can_manage and not learning_set.is_closed
                else []
            ),
            can_set_status=user.has_perm("sets.set_status_learningset", learning_set),
            closing_review=services.closing_review(learning_set),
            can_open_closing_review=user.has_perm(
                "sets.open_closing_review_learningset", learning_set
            ),
            can_view_closing_review=user.has_perm(
                "sets.view_closing_review_learningset", learning_set
            ),
            can_assign=user.has_perm("sets.assign_facilitators_learningset", learning_set),
            usual_length=usual_length(learning_set.default_length_minutes),
            **kwargs,
        )


class SetCloseView(SubmitOnceMixin, SetPageMixin, TemplateView):
    permission = "sets.close_learningset"
    template_name = "sets/set_close.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        learning_set = self.learning_set
        review = services.closing_review(learning_set)
        return super().get_context_data(
            closing_review=review,
            entry_count=review.entries.count() if review else 0,
            can_open_closing_review=user.has_perm(
                "sets.open_closing_review_learningset", learning_set
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        services.close_set(self.learning_set, actor=request.user, ip=client_ip(request))
        messages.success(
            request,
            _("%(set)s is closed. Its pages stay readable; nothing can be changed.")
            % {"set": self.learning_set},
        )
        return redirect(self.learning_set)


class SetStatusView(SubmitOnceMixin, SetPageMixin, View):
    """The facilitator says the set is forming or active; a held meeting makes it active by
    itself."""

    permission = "sets.set_status_learningset"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SetStatusForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Choose forming or active."))
        services.set_status(
            self.learning_set,
            form.cleaned_data["status"],
            actor=request.user,
            ip=client_ip(request),
        )
        messages.success(
            request,
            _("%(set)s is now %(status)s.")
            % {"set": self.learning_set, "status": self.learning_set.get_status_display()},
        )
        return redirect(self.learning_set)


# Members and invitations


def warn_if_too_large(request, learning_set):
    """Inviting past 8 members is allowed, and said (sets.shape)."""
    warning = shape.too_large(*queries.set_size(learning_set))
    if warning:
        messages.warning(
            request, _("%(set)s: %(warning)s") % {"set": learning_set, "warning": warning}
        )


class InviteView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    permission = "sets.manage_members_learningset"
    form_class = InvitationForm
    template_name = "sets/invite.html"

    def get_form_kwargs(self):
        may_invite_facilitators = self.request.user.has_perm(
            "sets.assign_facilitators_learningset", self.learning_set
        )
        return {**super().get_form_kwargs(), "may_invite_facilitators": may_invite_facilitators}

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation_days=settings.INVITATION_DAYS, **kwargs)

    def form_valid(self, form):
        try:
            invitation = services.invite(
                self.learning_set,
                actor=self.request.user,
                ip=client_ip(self.request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if invitation.needs_approval:
            asked = (
                _("We have asked them; it is sent to you once approved.")
                if queries.approvers(invitation).exists()
                else _(
                    "Nobody can yet: add another programme admin, or invite the set's "
                    "facilitator, and they will see it on this set's page."
                )
            )
            messages.info(
                self.request,
                _(
                    "This invitation is to your own address, and would let you read what the "
                    "set says. Nobody may let themselves in on their own say-so: another "
                    "programme admin or the set's facilitator must approve it first. %(asked)s"
                )
                % {"asked": asked},
            )
            return redirect(self.learning_set)
        messages.success(
            self.request,
            _("Invitation sent to %(name)s (%(email)s). The link works once, until %(day)s.")
            % {
                "name": invitation.name,
                "email": invitation.email,
                "day": day(invitation.expires_at),
            },
        )
        warn_if_too_large(self.request, self.learning_set)
        return redirect(self.learning_set)


class AssignFacilitatorView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    """A programme admin makes someone already in the programme the set's facilitator, with
    no email round trip; they and the set are told, as of any new access."""

    permission = "sets.assign_facilitators_learningset"
    form_class = AssignFacilitatorForm
    template_name = "sets/assign_facilitator.html"

    def get_form_kwargs(self):
        facilitators = Membership.objects.current().filter(
            learning_set=self.learning_set, role=Membership.Role.FACILITATOR
        )
        people = (
            queries.programme_people(self.learning_set.programme)
            .exclude(pk=self.request.user.pk)
            .exclude(pk__in=facilitators.values("user"))
        )
        return {**super().get_form_kwargs(), "people": people}

    def form_valid(self, form):
        person = form.cleaned_data["person"]
        try:
            services.assign_facilitator(
                self.learning_set, person, actor=self.request.user, ip=client_ip(self.request)
            )
        except ValidationError as error:
            form.add_error("person", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(person)s is now the facilitator of %(set)s. They and everyone in the set have "
                "been told by email."
            )
            % {"person": person, "set": self.learning_set},
        )
        return redirect(self.learning_set)


class InvitationActionView(SubmitOnceMixin, SetPageMixin, View):
    """A button on the set page for one of its open invitations."""

    permission = "sets.manage_members_learningset"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            queries.open_invitations(self.learning_set), pk=kwargs["invitation_pk"]
        )
        self.act(invitation)
        return redirect(self.learning_set)


class ResendInvitationView(InvitationActionView):
    def act(self, invitation):
        if invitation.awaits_approval:
            raise PermissionDenied
        services.resend_invitation(invitation, actor=self.request.user, ip=client_ip(self.request))
        messages.success(
            self.request,
            _("Invitation sent again to %(email)s. The new link works until %(day)s.")
            % {"email": invitation.email, "day": day(invitation.expires_at)},
        )


class RevokeInvitationView(InvitationActionView):
    def act(self, invitation):
        services.revoke_invitation(invitation, actor=self.request.user, ip=client_ip(self.request))
        messages.success(
            self.request,
            _("Invitation to %(email)s revoked. Its link no longer works.")
            % {"email": invitation.email},
        )


class InvitationApprovalView(SetPageMixin, TemplateView):
    """Approve or decline an invitation someone sent to their own address. The set's page
    lists it; the people who may decide are emailed a link here."""

    permission = "sets.manage_members_learningset"
    template_name = "sets/invitation_approval.html"
    DECISIONS = {"approve": services.approve_invitation, "decline": services.decline_invitation}

    def get_permitted_object(self):
        learning_set = super().get_permitted_object()
        self.invitation = get_object_or_404(
            queries.approval_requests(learning_set), pk=self.kwargs["invitation_pk"]
        )
        return learning_set

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        return super().get_context_data(
            invitation=invitation,
            may_decide=self.request.user.has_perm("sets.approve_invitation", invitation),
            decided=services.decided(invitation),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("sets.approve_invitation", self.invitation):
            raise PermissionDenied
        act = self.DECISIONS.get(request.POST.get("decision"))
        if act is None:
            return self.render_to_response(
                self.get_context_data(error=_("Choose approve or decline.")), status=400
            )
        try:
            invitation = act(self.invitation, actor=request.user, ip=client_ip(request))
        except ValidationError as error:
            # Already decided, by this person's earlier click or by someone else's.
            self.invitation.refresh_from_db()
            return self.render_to_response(
                self.get_context_data(error=error.messages[0]), status=409
            )
        if invitation.approved_at:
            messages.success(
                request,
                _(
                    "Approved: the invitation is on its way to %(email)s. Everyone in %(set)s "
                    "is told when %(name)s joins."
                )
                % {"email": invitation.email, "set": self.learning_set, "name": invitation.name},
            )
        else:
            messages.success(
                request, _("Declined: %(name)s is not invited.") % {"name": invitation.name}
            )
        return redirect(self.learning_set)


class MemberRemoveView(SubmitOnceMixin, SetPageMixin, InvalidIs400Mixin, FormView):
    permission = "sets.manage_members_learningset"
    form_class = RemoveMemberForm
    template_name = "sets/member_remove.html"

    def get_permitted_object(self):
        learning_set = super().get_permitted_object()
        self.membership = get_object_or_404(
            Membership.objects.current()
            .filter(learning_set=learning_set)
            .select_related("user", "learning_set"),
            pk=self.kwargs["membership_pk"],
        )
        if not may_remove(self.request.user, learning_set, self.membership):
            raise PermissionDenied
        return learning_set

    @property
    def leaving(self):
        return self.membership.user_id == self.request.user.pk

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "membership": self.membership,
            "remover": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, leaving=self.leaving, **kwargs)

    def form_valid(self, form):
        services.end_membership(
            self.membership, actor=self.request.user, ip=client_ip(self.request)
        )
        if self.leaving:
            messages.success(self.request, _("You have left %(set)s.") % {"set": self.learning_set})
            return redirect("home")
        messages.success(
            self.request,
            _("%(person)s has left %(set)s. Their attendance history is kept.")
            % {"person": self.membership.user, "set": self.learning_set},
        )
        return redirect(self.learning_set)


# The contract


class ContractView(CurrentContractMixin, InvalidIs400Mixin, FormView):
    """Read the set's current ground rules; a member who has not yet accepted them does so here."""

    permission = "sets.view_contract_learningset"
    form_class = AcceptContractForm
    template_name = "sets/contract.html"

    def get_initial(self):
        return {"version": self.contract.version if self.contract else None}

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("sets.accept_contract_learningset", self.learning_set):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.accept_contract(self.contract, actor=self.request.user, ip=client_ip(self.request))
        messages.success(
            self.request,
            _(
                "Thank you: you have accepted version %(version)s of the contract. Welcome to "
                "the set."
            )
            % {"version": self.contract.version},
        )
        return redirect(self.learning_set)

    def get_context_data(self, **kwargs):
        user = self.request.user
        learning_set = self.learning_set
        standing = set_rules.standing(user, learning_set)
        # Facilitators follow who has accepted this version; members see only their own.
        follows_acceptance = bool(self.contract) and set_rules.is_set_facilitator(
            user, learning_set
        )
        members = (
            [m for m in queries.roster(learning_set) if m.role == Membership.Role.MEMBER]
            if follows_acceptance
            else []
        )
        reads_content = user.has_perm("sets.view_amendments_learningset", learning_set)
        proposals = list(queries.amendments(learning_set)) if reads_content else []
        accepted_before = (
            queries.last_accepted_version(learning_set, user)
            if self.contract and standing.pending
            else None
        )
        return super().get_context_data(
            contract=self.contract,
            standing=standing,
            # Proposed changes, read by whoever reads the set's content.
            reads_proposals=reads_content,
            open_proposals=[a for a in proposals if a.is_open],
            decided_proposals=[a for a in proposals if not a.is_open],
            can_propose=bool(self.contract)
            and user.has_perm("sets.propose_amendment_learningset", learning_set),
            # A member asked to accept again sees what changed since the version they accepted.
            accepted_before=accepted_before,
            can_accept=bool(
                self.contract
                and not standing.accepted_contract
                and user.has_perm("sets.accept_contract_learningset", learning_set)
            ),
            can_edit=user.has_perm("sets.change_contract_learningset", learning_set),
            follows_acceptance=follows_acceptance,
            accepted_members=[m for m in members if m.accepted_contract],
            waiting_members=[m for m in members if not m.accepted_contract],
            **kwargs,
        )


class ContractEditView(SubmitOnceMixin, CurrentContractMixin, InvalidIs400Mixin, FormView):
    """Saving makes a new version, which the facilitator marks minor (acceptances carry over)
    or material (every member accepts it again)."""

    permission = "sets.change_contract_learningset"
    form_class = ContractForm
    template_name = "sets/contract_edit.html"

    def get_initial(self):
        if self.contract:
            return {"text": self.contract.text}
        return {"text": CONTRACT_STARTER.format(quorum=self.learning_set.quorum)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.contract, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            contract = services.new_contract_version(
                self.learning_set,
                data["text"],
                change=data.get("change", Contract.Change.MATERIAL),
                note=data.get("note", ""),
                actor=self.request.user,
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, version_saved(contract))
        return redirect("sets:contract", self.learning_set.pk)
