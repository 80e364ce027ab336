"""The contract the set negotiates: proposing a change, the proposal and its decision, and
the contract's history with the difference between any two versions
(docs/product.md#contracts). Reading and accepting the contract, and the facilitator's own
edits, are in sets.views.learning_sets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from alsspace.audit import client_ip
from alsspace.inputs import positive_id
from alsspace.mixins import InvalidIs400Mixin
from alsspace.submissions import SubmitOnceMixin
from sets import amendments, queries, services
from sets.contract_diff import difference
from sets.forms.learning_sets import AdoptAmendmentForm, AmendmentForm, DeclineAmendmentForm
from sets.views.mixins import CurrentContractMixin, SetPageMixin, version_saved


class AmendmentCreateView(SubmitOnceMixin, CurrentContractMixin, InvalidIs400Mixin, FormView):
    """A member under the contract proposes a change: the contract as they would have it."""

    permission = "sets.propose_amendment_learningset"
    form_class = AmendmentForm
    template_name = "sets/amendment_form.html"

    def get_initial(self):
        return {"text": self.contract.text if self.contract else ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(contract=self.contract, **kwargs)

    def form_valid(self, form):
        try:
            amendment = amendments.propose_amendment(
                self.learning_set,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
                ip=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your proposal is with the set. The facilitator adopts or declines it, and you "
                "are told which, and why, by email."
            ),
        )
        return redirect("sets:amendment", self.learning_set.pk, amendment.pk)


class AmendmentView(SubmitOnceMixin, SetPageMixin, TemplateView):
    """A proposal, what it changes, and its decision. The facilitator adopts or declines it
    here; its proposer may withdraw it while it is open."""

    permission = "sets.view_amendments_learningset"
    template_name = "sets/amendment.html"
    OPS = ("adopt", "decline", "withdraw")

    def get_permitted_object(self):
        learning_set = super().get_permitted_object()
        self.amendment = get_object_or_404(
            queries.amendments(learning_set), pk=self.kwargs["amendment_pk"]
        )
        return learning_set

    @cached_property
    def current(self):
        return services.current_contract(self.learning_set)

    def get_context_data(self, **kwargs):
        user = self.request.user
        amendment = self.amendment
        may_decide = user.has_perm("sets.decide_amendment", amendment)
        current = self.current
        rebased = current is not None and current.pk != amendment.based_on_id
        kwargs.setdefault(
            "adopt_form",
            AdoptAmendmentForm(
                prefix="adopt",
                initial={"text": amendment.text, "version": current.version if current else None},
            ),
        )
        kwargs.setdefault("decline_form", DeclineAmendmentForm(prefix="decline"))
        return super().get_context_data(
            amendment=amendment,
            current=current,
            difference=difference(amendment.based_on.text, amendment.text),
            # The contract has changed since the proposal was made: what adopting it now does.
            rebased=rebased,
            difference_now=difference(current.text, amendment.text) if rebased else None,
            may_decide=may_decide,
            may_withdraw=user.has_perm("sets.withdraw_amendment", amendment),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        op = request.POST.get("op")
        if op not in self.OPS:
            return self.render_to_response(
                self.get_context_data(error=_("Choose adopt, decline or withdraw.")), status=400
            )
        permission = "sets.withdraw_amendment" if op == "withdraw" else "sets.decide_amendment"
        if not request.user.has_perm(permission, self.amendment):
            if not self.amendment.is_open:
                return self.already_decided()
            raise PermissionDenied
        try:
            return getattr(self, op)()
        except ValidationError as error:
            self.amendment.refresh_from_db()
            if not self.amendment.is_open:
                return self.already_decided()
            return self.render_to_response(
                self.get_context_data(error=" ".join(error.messages)), status=400
            )

    def already_decided(self):
        return self.render_to_response(
            self.get_context_data(error=amendments.already_decided_message(self.amendment)),
            status=409,
        )

    def adopt(self):
        form = AdoptAmendmentForm(self.request.POST, prefix="adopt")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(adopt_form=form), status=400)
        try:
            contract = amendments.adopt_amendment(
                self.amendment,
                actor=self.request.user,
                ip=client_ip(self.request),
                **form.cleaned_data,
            )
        except amendments.ContractMovedOn as error:
            return self.render_to_response(
                self.get_context_data(error=" ".join(error.messages)), status=409
            )
        except ValidationError as error:
            self.amendment.refresh_from_db()
            if not self.amendment.is_open:
                raise
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(adopt_form=form), status=400)
        messages.success(self.request, _("Adopted. %(saved)s") % {"saved": version_saved(contract)})
        return redirect("sets:contract", self.learning_set.pk)

    def decline(self):
        form = DeclineAmendmentForm(self.request.POST, prefix="decline")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decline_form=form), status=400)
        amendments.decline_amendment(
            self.amendment,
            reason=form.cleaned_data["reason"],
            actor=self.request.user,
            ip=client_ip(self.request),
        )
        messages.success(self.request, _("Declined. The set is told, with your reason."))
        return redirect("sets:amendment", self.learning_set.pk, self.amendment.pk)

    def withdraw(self):
        amendments.withdraw_amendment(
            self.amendment, actor=self.request.user, ip=client_ip(self.request)
        )
        messages.success(self.request, _("Your proposal is withdrawn."))
        return redirect("sets:contract", self.learning_set.pk)


class ContractHistoryView(SetPageMixin, TemplateView):
    """Every version of the contract, and the difference between any two of them: for
    everyone who reads the contract, so a member asked to accept again sees what changed."""

    permission = "sets.view_contract_learningset"
    template_name = "sets/contract_history.html"

    def get_context_data(self, **kwargs):
        learning_set = self.learning_set
        versions = list(queries.contract_versions(learning_set))
        by_number = {contract.version: contract for contract in versions}
        after = by_number.get(positive_id(self.request.GET.get("to")) or 0)
        before = by_number.get(positive_id(self.request.GET.get("from")) or 0)
        asked = "from" in self.request.GET or "to" in self.request.GET
        if after is None and versions:
            after = versions[0]
        if before is None and after is not None:
            before = by_number.get(after.version - 1)
        if before is not None and after is not None and before.version > after.version:
            before, after = after, before
        return super().get_context_data(
            versions=versions,
            before=before,
            after=after,
            # A version compared with itself has no difference to show.
            difference=difference(before.text, after.text)
            if before is not None and after is not None and before != after
            else None,
            asked=asked,
            reads_proposals=self.request.user.has_perm(
                "sets.view_amendments_learningset", learning_set
            ),
            **kwargs,
        )
