"""Writes of the contract the set negotiates: a member proposes a change, with why; the
facilitator adopts it as a new version (minor or material) or declines it with a reason; the
proposer may withdraw it while it is open (docs/product.md#contracts).

Each function runs in one transaction, locks the set (so two decisions on one proposal, or a
decision and a new version, happen one after the other), is audited, and tells the people it
concerns by email once it commits. Audit events and emails never carry what a proposal says.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alsspace.audit import record
from alsspace.models import User
from sets.audit_actions import SetAction as Action
from sets.models import Amendment, Contract, LearningSet
from sets.rules import can_decide_amendment, can_propose_amendment, can_withdraw_amendment
from sets.services import current_contract, new_contract_version
from sets.tasks import announce_amendment, announce_amendment_decision


class ContractMovedOn(ValidationError):
    """A proposal adopted over a version newer than the one it was read against."""


def already_decided_message(amendment: Amendment) -> str:
    """What a person is told who acts on a proposal someone has decided meanwhile."""
    if amendment.status == Amendment.Status.ADOPTED:
        return _("This proposal has already been adopted.")
    if amendment.status == Amendment.Status.DECLINED:
        return _("This proposal has already been declined.")
    if amendment.status == Amendment.Status.WITHDRAWN:
        return _("This proposal has already been withdrawn.")
    return _("This proposal has already been decided.")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _lock(learning_set: LearningSet) -> None:
    LearningSet.objects.select_for_update().filter(pk=learning_set.pk).first()


def _locked_open(amendment: Amendment) -> Amendment:
    """The proposal as it is now, locked; refused if it has been decided meanwhile."""
    _lock(amendment.learning_set)
    locked = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("learning_set__programme", "based_on", "proposed_by")
        .get(pk=amendment.pk)
    )
    if not locked.is_open:
        raise ValidationError(already_decided_message(locked))
    return locked


def _record(action: str, amendment: Amendment, actor: User, ip: str | None, **detail: Any) -> None:
    record(
        action,
        actor=actor,
        ip=ip,
        programme=amendment.learning_set.programme_id,
        subject=amendment.learning_set,
        amendment=amendment.pk,
        **detail,
    )


@transaction.atomic
def propose_amendment(
    learning_set: LearningSet, *, text: str, reason: str, actor: User, ip: str | None = None
) -> Amendment:
    """A member under the contract proposes the contract as they would have it, and why."""
    _lock(learning_set)
    if not can_propose_amendment(actor, learning_set):
        raise PermissionDenied
    contract = current_contract(learning_set)
    if contract is None:
        raise ValidationError(_("The set has no contract yet to propose a change to."))
    text, reason = _normalised(text), reason.strip()
    if not text:
        raise ValidationError(_("Write the contract as you propose it."))
    if not reason:
        raise ValidationError(_("Say why you propose this change."))
    if text == _normalised(contract.text):
        raise ValidationError(
            _("This is the same as version %(version)s: change the wording you propose.")
            % {"version": contract.version}
        )
    amendment = Amendment.objects.create(
        learning_set=learning_set, based_on=contract, text=text, reason=reason, proposed_by=actor
    )
    _record(Action.AMENDMENT_PROPOSED, amendment, actor, ip, version=contract.version)
    transaction.on_commit(lambda: announce_amendment.enqueue(amendment.pk))
    return amendment


@transaction.atomic
def adopt_amendment(
    amendment: Amendment,
    *,
    text: str,
    change: str,
    note: str,
    version: int | None = None,
    actor: User,
    ip: str | None = None,
) -> Contract:
    """The facilitator adopts the proposal, as proposed or as they edited it, as a new version
    of the contract, minor or material; `note` tells the set what changed and why. `version`
    is the version they read it against: if the contract has moved on since, nothing is
    adopted, so that no version's change is undone unseen."""
    amendment = _locked_open(amendment)
    if not can_decide_amendment(actor, amendment):
        raise PermissionDenied
    current = current_contract(amendment.learning_set)
    if version is not None and current is not None and current.version != version:
        raise ContractMovedOn(
            _(
                "The contract changed to version %(version)s while you were reading. Nothing was "
                "adopted: check the proposal against it below, then adopt it again."
            )
            % {"version": current.version}
        )
    contract = new_contract_version(
        amendment.learning_set, _normalised(text), change=change, note=note, actor=actor, ip=ip
    )
    amendment.status = Amendment.Status.ADOPTED
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = note.strip()
    amendment.adopted_as = contract
    amendment.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "adopted_as"]
    )
    _record(
        Action.AMENDMENT_ADOPTED,
        amendment,
        actor,
        ip,
        version=contract.version,
        change=contract.change,
    )
    transaction.on_commit(lambda: announce_amendment_decision.enqueue(amendment.pk))
    return contract


@transaction.atomic
def decline_amendment(
    amendment: Amendment, *, reason: str, actor: User, ip: str | None = None
) -> Amendment:
    """The facilitator declines the proposal and says why; the set is told."""
    amendment = _locked_open(amendment)
    if not can_decide_amendment(actor, amendment):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the proposal is declined: the set reads it."))
    amendment.status = Amendment.Status.DECLINED
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_reason = reason
    amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _record(Action.AMENDMENT_DECLINED, amendment, actor, ip)
    transaction.on_commit(lambda: announce_amendment_decision.enqueue(amendment.pk))
    return amendment


@transaction.atomic
def withdraw_amendment(amendment: Amendment, *, actor: User, ip: str | None = None) -> Amendment:
    """The proposer takes back their proposal while it is open."""
    amendment = _locked_open(amendment)
    if not can_withdraw_amendment(actor, amendment):
        raise PermissionDenied
    amendment.status = Amendment.Status.WITHDRAWN
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decided_by", "decided_at"])
    _record(Action.AMENDMENT_WITHDRAWN, amendment, actor, ip)
    return amendment
